import Foundation

/// Runs the built `heatgrid` executable as a user would, for end-to-end tests.
public enum CommandRunner {
    public struct Result: Sendable {
        public let status: Int32
        public let stdout: String
        public let stderr: String

        /// Standard error without the progress lines (those beginning with "·"): the messages a user acts on.
        public var messageLines: [Substring] { stderr.split(separator: "\n").filter { !$0.hasPrefix("·") } }
    }

    /// The build's products folder: the test bundle sits in it next to the `heatgrid` executable.
    public static var executable: URL {
        Bundle.main.bundleURL.appendingPathComponent("heatgrid")
    }

    /// Runs `heatgrid arguments…` in `directory` (the repository root by default) and waits for it.
    public static func heatgrid(_ arguments: [String], in directory: String = Fixtures.repositoryRoot) throws -> Result {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes before waiting so a chatty child cannot block on a full pipe.
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                      stderr: String(decoding: errData, as: UTF8.self))
    }

    /// Every file below `folder`, relative paths, sorted; hidden temporaries included.
    public static func files(in folder: String) -> [String] {
        (FileManager.default.enumerator(atPath: folder)?.allObjects as? [String] ?? []).sorted()
    }
}
