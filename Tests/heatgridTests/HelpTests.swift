import Testing
import TestSupport

/// `--help` reads well in an 80-column terminal, and `--version` prints the version manifests record.
struct HelpTests {
    /// Terminal columns a line takes: CJK characters take two.
    static func columns(_ line: Substring) -> Int {
        line.unicodeScalars.reduce(0) { width, scalar in
            let v = scalar.value
            let wide = (0x2E80...0x9FFF).contains(v) || (0xAC00...0xD7A3).contains(v) || (0xFF00...0xFF60).contains(v)
            return width + (wide ? 2 : 1)
        }
    }

    @Test(arguments: ["demo", "assign", "summary", "hotspots", "emerging", "evaluate", "nearrepeat", "heatmap", "choropleth",
                      "grid", "convert", "check-layer"])
    func helpFitsEightyColumns(command: String) throws {
        // Output to a pipe: the argument parser wraps at 80 columns.
        let result = try CommandRunner.heatgrid([command, "--help"])
        #expect(result.status == 0)
        let long = result.stdout.split(separator: "\n").filter { !$0.hasPrefix("USAGE:") && Self.columns($0) > 80 }
        #expect(long.isEmpty, "lines over 80 columns: \(long)")
        // No paragraph keeps hard line breaks that the parser then wraps again (which leaves short stubs in the
        // middle of sentences): within a paragraph every line but its last is filled to near the width.
        let discussion = result.stdout.components(separatedBy: "USAGE:")[0].split(separator: "\n", omittingEmptySubsequences: false)
        for (line, next) in zip(discussion, discussion.dropFirst())
        where !line.isEmpty && !next.isEmpty && !line.hasPrefix(" ") && !next.hasPrefix(" ") {
            #expect(Self.columns(line) >= 55, "a short line inside a paragraph: \(line)")
        }
        #expect(result.stdout.contains("Examples:"))
    }

    @Test func versionIsPrinted() throws {
        let result = try CommandRunner.heatgrid(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.8.0")
    }
}
