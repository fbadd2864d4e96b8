import AtomicOutput
import Foundation
import Testing
import TestSupport

/// Outputs appear whole or not at all: nothing at the destination before `commit`, the old file untouched by a
/// writer dropped without committing, and no temporary left behind either way.
struct AtomicFileWriterTests {
    private func entries(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    }

    @Test func nothingAppearsBeforeCommit() throws {
        let folder = Fixtures.temporaryFolder("atomic")
        let writer = try AtomicFileWriter(path: folder + "/out.csv")
        try writer.write("a,b\n")
        try writer.write([UInt8](repeating: 0x41, count: 1 << 20))
        #expect(!FileManager.default.fileExists(atPath: folder + "/out.csv"))
        try writer.commit()
        #expect(try entries(folder) == ["out.csv"])
        #expect(try Data(contentsOf: URL(fileURLWithPath: folder + "/out.csv")).count == 4 + (1 << 20))
    }

    @Test func aWriterDroppedWithoutCommitLeavesTheOldFile() throws {
        let folder = Fixtures.temporaryFolder("atomic-drop")
        try writeAtomically(Array("old\n".utf8), to: folder + "/out.csv")
        do {
            let writer = try AtomicFileWriter(path: folder + "/out.csv")
            try writer.write("new, half written")
        }
        #expect(try String(contentsOfFile: folder + "/out.csv", encoding: .utf8) == "old\n")
        #expect(try entries(folder) == ["out.csv"])
    }

    @Test func commitReplacesAndCreatesFolders() throws {
        let folder = Fixtures.temporaryFolder("atomic-replace")
        try writeAtomically(Array("one\n".utf8), to: folder + "/a/b/out.csv")
        try writeAtomically(Array("two\n".utf8), to: folder + "/a/b/out.csv")
        #expect(try String(contentsOfFile: folder + "/a/b/out.csv", encoding: .utf8) == "two\n")
        #expect(try entries(folder + "/a/b") == ["out.csv"])
    }
}
