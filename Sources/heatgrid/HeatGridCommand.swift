import ArgumentParser
import HeatGridKit

@main
struct HeatGridCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "heatgrid",
        abstract: "Incident hot-spot engine for grid governance."
    )
}
