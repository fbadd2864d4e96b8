import Foundation

/// Paths to what the project holds: tests read only these, never anything outside the clone.
public enum Fixtures {
    /// The package's top folder, found from this file's location.
    public static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Fixtures.swift, TestSupport, Tests
        return url.path
    }()

    /// A file under `geodata/`, e.g. `geodata("jiaxing.geojson")`.
    public static func geodata(_ name: String) -> String { repositoryRoot + "/geodata/" + name }

    /// A fresh, empty temporary folder for one test.
    public static func temporaryFolder(_ label: String = "test") -> String {
        let path = NSTemporaryDirectory() + "heatgrid-\(label)-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
