import Foundation
import Glibc
import Testing
import TestSupport

/// SIGTERM and SIGINT stop a run with status 143 and 130, one line on stderr, and nothing half-written: no
/// temporary left, no output that is not whole.
struct CleanStopCommandTests {
    @Test(arguments: [(SIGTERM, Int32(143), "SIGTERM"), (SIGINT, Int32(130), "SIGINT")])
    func aStoppedRunLeavesOnlyWholeFiles(_ signal: Int32, _ status: Int32, _ name: String) throws {
        let out = Fixtures.temporaryFolder("stopped") + "/demo"
        let process = Process()
        process.executableURL = CommandRunner.executable
        process.arguments = ["demo", "--count", "1000000", "--out", out]
        process.currentDirectoryURL = URL(fileURLWithPath: Fixtures.repositoryRoot)
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        Thread.sleep(forTimeInterval: 2)
        kill(process.processIdentifier, signal)
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == status, "stderr: \(stderr)")
        #expect(stderr.contains("heatgrid: stopped by \(name)"))
        let left = (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []
        #expect(left.allSatisfy { !$0.hasSuffix(".tmp") }, "\(left)")
    }
}
