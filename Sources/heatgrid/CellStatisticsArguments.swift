import ArgumentParser
import HeatGridKit

/// The options of the commands that test cells against their neighbours (hotspots, emerging): the cell layer,
/// what is counted, which cells are neighbours, and what is drawn over the map.
struct CellStatisticsArguments: ParsableArguments {
    @Option(help: "Cell layer (GeoJSON polygons).")
    var cells: String

    @Option(help: "Property holding each cell's id.")
    var idField = "cell_id"

    @Option(help: "Datum of the cell layer: wgs84, gcj02 or bd09. Default: wgs84.")
    var boundaryDatum: Datum?

    @Option(help: "Neighbours: queen, rook, distance:METRES or knn:K. Default: queen.")
    var weights: String?

    @Option(help: "With queen or rook: also join cells whose boundaries come within this many metres.")
    var snap: Double?

    @Option(help: "What is tested per cell: count, or harm (Σ the categories' harm weights).")
    var value = "count"

    @Option(help: "Boundaries (districts) drawn and labelled over the map.")
    var boundaries: String?

    @Option(help: "Keep only boundary features whose 'level' property has this value.")
    var boundaryLevel: String?

    @Option(help: "Font for map text (needs Chinese glyphs).")
    var font: String?

    var harmWeighted: Bool { value == "harm" }

    /// The neighbour rule, its problems named with the option.
    func neighbourRule() throws -> NeighbourRule {
        do { return try NeighbourRule(parsing: weights ?? "queen", snap: snap) } catch {
            throw ValidationError("--weights: \(error)")
        }
    }

    func validate() throws {
        guard value == "count" || value == "harm" else { throw ValidationError("--value takes count or harm, got '\(value)'") }
    }
}
