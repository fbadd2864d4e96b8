@testable import AtomicOutput
import Foundation
import Testing
import TestSupport

/// The stop's bookkeeping: open temporaries are known until published; a stop unlinks them and refuses to publish
/// any writer still finishing. (The signal path itself is run end to end in heatgridTests/CleanStopCommandTests.)
struct CleanStopTests {
    @Test func aStopRemovesOpenTemporariesAndRefusesLatePublishing() throws {
        let folder = Fixtures.temporaryFolder("clean-stop")
        let outputs = OpenOutputs()
        let done = folder + "/.done.tmp", open = folder + "/.open.tmp", late = folder + "/.late.tmp"
        for path in [done, open, late] {
            try Data("x".utf8).write(to: URL(fileURLWithPath: path))
            outputs.add(path)
        }
        #expect(outputs.remove(done))  // published before the stop
        #expect(outputs.removeAll() == 2)
        #expect(FileManager.default.fileExists(atPath: done))
        #expect(!FileManager.default.fileExists(atPath: open) && !FileManager.default.fileExists(atPath: late))
        #expect(!outputs.remove(late))  // a writer finishing after the stop must not rename
    }

    @Test func writersRegisterUntilCommitted() throws {
        let folder = Fixtures.temporaryFolder("clean-stop-writer")
        let writer = try AtomicFileWriter(path: folder + "/out.txt")
        try writer.write("a")
        let temporaries = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".tmp") }
        #expect(temporaries.count == 1)
        try writer.commit()
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder) == ["out.txt"])
    }
}
