import Foundation
@testable import HeatGridKit
import Testing
import TestSupport

/// `writeAssignment` formats batches in parallel and writes each while the next is formatted: the file must
/// still be every row in input order, whatever the batch size and thread count.
struct AssignmentWriterTests {
    @Test(arguments: [(1, 7), (2, 7), (3, 5), (2, 1_000)])
    func manyBatchesComeOutInInputOrder(threads: Int, chunkRows: Int) throws {
        var csv = "id,lon,lat\n"
        var ids: [String] = []
        for row in 0..<500 {
            // Short ids (held in a word), long ones (held apart) and ones that need quotes.
            let id = switch row % 3 {
            case 0: "\(row)"
            case 1: "incident-number-\(row)"
            default: "\(row),\"q\""
            }
            ids.append(id)
            csv += CSVText.field(id) + ",120.5,30.5\n"
        }
        let table = try IncidentCSVReader.read(bytes: Array(csv.utf8), name: "rows.csv").table
        #expect(table.count == 500)
        let cells = ["A", "B,with comma", "a-much-longer-cell-identifier"]
        let assignment = (0..<500).map { Int32($0 % 4) - 1 }  // -1: outside every cell
        let path = Fixtures.temporaryFolder("assignment-writer") + "/assigned.csv"
        try writeAssignment(table: table, assignment: assignment, cellIDs: cells, to: path, threads: threads,
                            chunkRows: chunkRows)
        var expected = "id,cell_id\n"
        for row in 0..<500 {
            expected += CSVText.field(ids[row]) + "," + (assignment[row] < 0 ? "" : CSVText.field(cells[Int(assignment[row])])) + "\n"
        }
        #expect(try String(contentsOfFile: path, encoding: .utf8) == expected)
    }
}
