import GeoCore
import Incidents
import Projection

/// Reading an incident file for a map or an assignment: parse, keep the wanted categories, bring the
/// coordinates into the boundaries' datum, and put rejected rows where the user can find them.
struct IncidentInput {
    var path: String
    var csvOptions = IncidentCSVOptions()
    /// Only these categories (case-sensitive names as in the file); `nil` keeps all.
    var categories: Set<String>?
    var incidentDatum: Datum = .wgs84
    var layerDatum: Datum = .wgs84
    /// Where rejected rows go when there are any.
    var rejectsPath: String

    struct Result {
        var table: IncidentTable
        var rowsRead: Int
        var rejected: Int
        /// Kept rows left out by the category filter.
        var filteredOut: Int
        var rejectsPath: String?
    }

    func read() throws -> Result {
        let read: IncidentReadResult
        do { read = try IncidentCSVReader.read(path: path, options: csvOptions) } catch { throw HeatGridError("\(error)") }
        var table = read.table
        var filteredOut = 0
        if let categories {
            let wanted = Set(table.categoryNames.indices.filter { categories.contains(table.categoryNames[$0]) }.map(UInt16.init))
            let rows = table.category.indices.filter { wanted.contains(table.category[$0]) }
            filteredOut = table.count - rows.count
            table = table.selecting(rows: rows)
        }
        if incidentDatum != layerDatum {
            try DatumConversion.convert(longitudes: &table.longitude, latitudes: &table.latitude,
                                        from: incidentDatum, to: layerDatum)
        }
        if read.rejected > 0 { try read.writeRejects(to: rejectsPath) }
        return Result(table: table, rowsRead: read.rowsRead, rejected: read.rejected, filteredOut: filteredOut,
                      rejectsPath: read.rejected > 0 ? rejectsPath : nil)
    }
}

/// Where rejected rows go unless the user says: next to the main output, its extension replaced
/// (`out/map.png` → `out/map.rejects.csv`, `assigned.csv` → `assigned.rejects.csv`).
func rejectsPath(besides output: String) -> String {
    let nameStart = output.lastIndex(of: "/").map { output.index(after: $0) } ?? output.startIndex
    let stem = output[nameStart...].lastIndex(of: ".").map { output[..<$0] } ?? output[...]
    return stem + ".rejects.csv"
}
