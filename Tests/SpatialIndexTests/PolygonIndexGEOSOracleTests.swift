import GEOSBridge
import GeoCore
import Testing
import TestSupport
@testable import SpatialIndex

/// The real workload's shape: about 20,000 cells of roughly 500 m, cut from the Jiaxing districts by GEOS,
/// checked point by point against GEOS prepared `contains`.
@Suite struct PolygonIndexGEOSOracleTests {
    struct Cell { var column: Int; var row: Int; var shape: MultiPolygon }

    /// Squares of 0.005° (about 480 m × 555 m) cut by each district with GEOS intersection; squares wholly
    /// inside a district are kept as they are, so neighbours share their edges exactly.
    static func cells(_ context: GEOSContext, districts: [MultiPolygon], origin: Point, step: Double,
                      columns: Int, rows: Int) throws -> [Cell] {
        var cells: [Cell] = []
        for district in districts {
            let shape = try context.geometry(district)
            let prepared = try shape.prepared()
            let dbox = district.boundingBox
            for j in 0..<rows {
                for i in 0..<columns {
                    let x0 = origin.x + Double(i) * step, y0 = origin.y + Double(j) * step
                    let x1 = origin.x + Double(i + 1) * step, y1 = origin.y + Double(j + 1) * step
                    guard BoundingBox(minX: x0, minY: y0, maxX: x1, maxY: y1).intersects(dbox) else { continue }
                    let square = MultiPolygon([TestLayers.square(x0, y0, x1, y1)])
                    let squareGeometry = try context.geometry(square)
                    guard try prepared.intersects(squareGeometry) else { continue }
                    if try prepared.contains(squareGeometry) {
                        cells.append(Cell(column: i, row: j, shape: square))
                        continue
                    }
                    let piece = try shape.intersection(squareGeometry).multiPolygon()
                    if !piece.polygons.isEmpty && piece.area > 0 { cells.append(Cell(column: i, row: j, shape: piece)) }
                }
            }
        }
        return cells
    }

    @Test func twentyThousandCellsAgreeWithGEOSPreparedContains() throws {
        let context = try GEOSContext()
        let districts = try TestLayers.load("jiaxing.geojson", level: "district")
        let box = TestLayers.bounds(districts)
        let step = 0.005
        let origin = Point(x: (box.minX / step).rounded(.down) * step, y: (box.minY / step).rounded(.down) * step)
        let columns = Int(((box.maxX - origin.x) / step).rounded(.up))
        let rows = Int(((box.maxY - origin.y) / step).rounded(.up))
        let cells = try Self.cells(context, districts: districts, origin: origin, step: step, columns: columns, rows: rows)
        #expect(cells.count > 15_000 && cells.count < 30_000)
        let layer = cells.map(\.shape)
        let index = try PolygonIndex(layer: layer)
        let oracle = ExactOracle(layer)

        // Cells by grid square, so GEOS only tests the pieces a point can fall in.
        var bySquare: [Int: [Int]] = [:]
        for (k, cell) in cells.enumerated() { bySquare[cell.row * columns + cell.column, default: []].append(k) }
        var preparedCells: [Int: GEOSPreparedGeometry] = [:]
        func prepared(_ k: Int) throws -> GEOSPreparedGeometry {
            if let p = preparedCells[k] { return p }
            let p = try context.geometry(layer[k]).prepared()
            preparedCells[k] = p
            return p
        }

        var points = TestLayers.randomPoints(in: box, count: 20_000, seed: 2024)
        // Points exactly on grid lines and corners, where neighbouring cells meet.
        var rng = SeededGenerator(seed: 2025)
        for _ in 0..<2_000 {
            let i = Int.random(in: 0...columns, using: &rng), j = Int.random(in: 0...rows, using: &rng)
            let x = origin.x + Double(i) * step, y = origin.y + Double(j) * step
            points.append(Point(x: x, y: y))
            points.append(Point(x: x, y: y + step * Double.random(in: 0..<1, using: &rng)))
            points.append(Point(x: x + step * Double.random(in: 0..<1, using: &rng), y: y))
        }
        let assignment = index.assign(x: points.map(\.x), y: points.map(\.y), threads: 2)

        var interior = 0, boundary = 0
        for (n, p) in points.enumerated() {
            let i = Int(((p.x - origin.x) / step).rounded(.down)), j = Int(((p.y - origin.y) / step).rounded(.down))
            var containing: [Int] = [], covering: [Int] = []
            for dj in -1...1 {
                for di in -1...1 {
                    for k in bySquare[(j + dj) * columns + (i + di)] ?? [] where i + di >= 0 && i + di < columns {
                        if try prepared(k).contains(p) { containing.append(k) }
                        if try prepared(k).covers(p) { covering.append(k) }
                    }
                }
            }
            let got = assignment[n]
            if containing.count == 1 && covering.count == 1 {
                interior += 1
                #expect(got == Int32(containing[0]), "point \(p): GEOS says cell \(containing[0])")
            } else if covering.isEmpty {
                #expect(got == -1, "point \(p): GEOS says outside")
            } else {
                // On a boundary: one of the cells touching it (or outside on the layer's rim), by the rule.
                boundary += 1
                #expect(got == -1 || covering.contains(Int(got)), "point \(p): covered by \(covering)")
                #expect(got == oracle.expected(p), "point \(p)")
            }
        }
        #expect(interior > 8_000)
        #expect(boundary > 3_000)
    }
}
