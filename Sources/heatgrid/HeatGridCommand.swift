import ArgumentParser
import HeatGridKit

@main
struct HeatGridCommand: ParsableCommand {
    /// SIGINT and SIGTERM stop a run cleanly (unfinished outputs removed, status 130 or 143): set up before any
    /// other thread starts.
    static func main() {
        CleanStop.install()
        main(nil as [String]?)
    }

    static let configuration = CommandConfiguration(
        commandName: "heatgrid",
        abstract: "Incident hot-spot engine for grid governance: assign, count, test for hot spots, map.",
        discussion: """
            Examples:
              heatgrid demo --lang en
              heatgrid grid --boundaries geodata/jiaxing.geojson \\
                  --boundary-datum gcj02 --cell 500 --out cells.geojson
              heatgrid assign --cells cells.geojson --incidents incidents.csv \\
                  --out assigned.csv --counts counts.csv
              heatgrid summary --cells cells.geojson --incidents incidents.csv \\
                  --period 2026-W14 --compare previous --out output/w14
              heatgrid hotspots --cells cells.geojson --incidents incidents.csv \\
                  --out hot.geojson --png hot.png
              heatgrid heatmap --incidents incidents.csv --out map.png \\
                  --boundaries geodata/jiaxing.geojson --level district

            `heatgrid <command> --help` shows each command's options and examples.
            """,
        version: HeatGridVersion.current,
        subcommands: [
            DemoCommand.self, AssignCommand.self, SummaryCommand.self, HotspotsCommand.self, EmergingCommand.self,
            EvaluateCommand.self, NearRepeatCommand.self, PatrolCommand.self, HeatmapCommand.self, ChoroplethCommand.self,
            GridCommand.self,
            ConvertCommand.self, CheckLayerCommand.self,
        ]
    )
}

/// Options every command shares.
struct CommonOptions: ParsableArguments {
    @Option(help: "Language of printed labels: zh or en.")
    var lang: Language = .zh

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int = defaultThreadCount

    @Flag(help: "Print seconds per stage as one JSON object on stderr.")
    var timings = false

    @Flag(help: "Progress as one JSON object per line on stderr, for schedulers.")
    var jsonProgress = false

    @Flag(help: "Repair invalid polygons (self-intersections, …) with GEOS MakeValid instead of stopping.")
    var repair = false

    var validation: LayerValidation { repair ? .repair : .reject }

    /// Says which features `--repair` changed, so a repaired layer never passes unnoticed.
    func reportRepairs(_ indices: [Int], in path: String) {
        guard !indices.isEmpty else { return }
        let list = indices.prefix(10).map(String.init).joined(separator: ", ")
        printError("heatgrid: warning: \(path): repaired \(indices.count) invalid features with MakeValid (\(list)\(indices.count > 10 ? ", …" : ""))")
    }

    func validate() throws {
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1") }
        // Progress starts with the command's first stage, after parsing: the mode is set here, where every command
        // that takes these options passes before it runs.
        if jsonProgress { StageProgress.shared.useJSONLines() }
    }
}

extension Language: ExpressibleByArgument {}

/// Runs a command body, turning any failure into one `heatgrid: error: …` line on stderr and exit status 1.
func reportingErrors(_ body: () throws -> Void) throws {
    defer { finishProgress() }
    do {
        try body()
        StageProgress.shared.event("done")
    } catch let error as ExitCode {
        throw error
    } catch let error as ValidationError {
        throw error
    } catch {
        // With --json-progress stderr stays one JSON object per line: the error is one of them.
        if StageProgress.shared.jsonLines {
            StageProgress.shared.event("error", [("message", .string("\(error)"))])
        } else {
            printError("heatgrid: error: \(error)")
        }
        throw ExitCode.failure
    }
}
