import Foundation
import GEOSBridge
import GeoCore
import Grid
import Projection
import Testing
import TestSupport

/// Public API tests of generated grids. The Jiaxing 2 km reference comes from shapely + pyproj through
/// Reference/make_grid_reference.py.
struct GridGeneratorTests {
    static let utm51 = TransverseMercator.utm(zone: 51)

    /// A rectangle given in UTM 51N metres, as a lon/lat boundary. Its corners come back from the round trip
    /// within nanometres, so test rectangles keep off the lattice lines: a corner a nanometre west of a lattice
    /// line would move the pinned origin a whole cell.
    static func rectangle(_ minX: Double, _ minY: Double, _ maxX: Double, _ maxY: Double) -> MultiPolygon {
        let corners = [Point(x: minX, y: minY), Point(x: maxX, y: minY), Point(x: maxX, y: maxY),
                       Point(x: minX, y: maxY), Point(x: minX, y: minY)]
        return MultiPolygon([Polygon(exterior: Ring(corners.map(utm51.inverse)))])
    }

    static func projected(_ area: MultiPolygon) -> MultiPolygon {
        MultiPolygon(area.polygons.map { polygon in
            Polygon(exterior: Ring(polygon.exterior.points.map(utm51.forward)),
                    holes: polygon.holes.map { Ring($0.points.map(utm51.forward)) })
        })
    }

    static func index(_ frame: GridFrame, _ p: Point) -> [Int] {
        let index = frame.cellIndex(ofProjected: p)
        return [index.row, index.col]
    }

    // MARK: Jiaxing 2 km against shapely

    static let twoKilometre: Result<GridLayer, any Error> = Result {
        try GridGenerator.generate(boundaries: try JiaxingFixture.districts(),
                                   parameters: GridParameters(cellSize: 2000, threads: 2))
    }

    @Test func twoKilometreGridHasTheReferenceCellsAndAreas() throws {
        let layer = try Self.twoKilometre.get()
        let reference = try JiaxingFixture.csv("grid_2km_reference.csv")
        #expect(reference.count == 1430)
        #expect(layer.frame.projection == Self.utm51)
        #expect(layer.cells.count == reference.count)
        #expect(layer.cells.map(\.id) == reference.map { $0[0] })
        for (cell, row) in zip(layer.cells, reference) {
            let area = try #require(Double(row[4]))
            // PROJ and our projection agree to a millimetre, which moves a 4 km² cell's area by well under 1 m².
            #expect(abs(cell.areaSquareMetres - area) < 1.0, "\(cell.id): \(cell.areaSquareMetres) vs \(area)")
            #expect(cell.parent == row[1] && String(cell.row) == row[2] && String(cell.col) == row[3])
        }
    }

    @Test func twoKilometreCellsAndSliversAddUpToEachDistrict() throws {
        let layer = try Self.twoKilometre.get()
        let districts = try JiaxingFixture.districts()
        let summary = try JiaxingFixture.csv("grid_2km_districts.csv")
        #expect(summary.count == 7)
        for (district, row) in zip(districts, summary) {
            let projectedArea = Self.projected(district.area).area
            let cells = layer.cells.filter { $0.parent == district.id }
            let dropped = layer.dropped.filter { $0.parent == district.id }
            let kept = cells.reduce(0) { $0 + $1.areaSquareMetres }
            let slivers = dropped.reduce(0) { $0 + $1.areaSquareMetres }
            #expect(abs(kept + slivers - projectedArea) <= 1e-4 * projectedArea,
                    "\(district.id): cells \(kept) + slivers \(slivers) vs district \(projectedArea)")
            #expect(row[0] == district.id)
            #expect(String(cells.count) == row[2])
            #expect(String(dropped.count) == row[4], "\(district.id): \(dropped.count) slivers, shapely \(row[4])")
            let referenceDropped = try #require(Double(row[5]))
            #expect(abs(slivers - referenceDropped) < 1.0)
            #expect(dropped.allSatisfy { $0.areaSquareMetres < layer.sliverThresholdSquareMetres })
        }
        #expect(layer.sliverThresholdSquareMetres == 40_000)
    }

    @Test func twoKilometreCellsDoNotOverlap() throws {
        let layer = try Self.twoKilometre.get()
        let context = try GEOSContext()
        // In lon/lat: overlapping cells would make the union smaller than the sum.
        let sum = layer.cells.reduce(0) { $0 + $1.polygon.area }
        let union = try context.unaryUnion(layer.cells.map(\.polygon)).area()
        #expect(abs(union - sum) <= 1e-6 * sum, "union \(union) vs sum \(sum)")
    }

    @Test func outputDoesNotDependOnRunOrThreads() throws {
        let districts = try JiaxingFixture.districts()
        let first = try Self.twoKilometre.get()
        let again = try GridGenerator.generate(boundaries: districts, parameters: GridParameters(cellSize: 2000, threads: 2))
        let single = try GridGenerator.generate(boundaries: districts, parameters: GridParameters(cellSize: 2000, threads: 1))
        #expect(again.cells == first.cells && again.dropped == first.dropped)
        #expect(single.cells == first.cells && single.dropped == first.dropped)
    }

    @Test func fullCellsAreWholeSquaresOnThePinnedLattice() throws {
        let layer = try Self.twoKilometre.get()
        #expect(layer.frame.originX.truncatingRemainder(dividingBy: 2000) == 0)
        #expect(layer.frame.topY.truncatingRemainder(dividingBy: 2000) == 0)
        let full = layer.cells.filter(\.isFull)
        let referenceFull = try JiaxingFixture.csv("grid_2km_reference.csv").filter { Double($0[4]) == 4_000_000 }
        #expect(full.count == 864 && referenceFull.count == 864)
        for cell in full {
            #expect(cell.areaSquareMetres == 4_000_000)
            let corners = cell.polygon.polygons[0].exterior.points.map(Self.utm51.forward)
            for corner in corners {
                #expect(abs(corner.x - corner.x.rounded()) < 1e-6 && abs(corner.y - corner.y.rounded()) < 1e-6)
            }
            // The cell's centre maps back to its own row and column.
            let centre = BoundingBox(corners).center
            let index = layer.frame.cellIndex(ofProjected: centre)
            #expect(index.row == cell.row && index.col == cell.col)
        }
        #expect(layer.cells.filter { !$0.isFull }.allSatisfy { $0.areaSquareMetres < 4_000_000 })
    }

    // MARK: Identifiers

    @Test func rowsRunNorthToSouthAndColumnsWestToEast() throws {
        // Two separate blocks of 2 × 2 cells (10 m inside the lattice lines): north-west and south-east.
        let northWest = Self.rectangle(300_010, 3_410_010, 300_990, 3_410_990)
        let southEast = Self.rectangle(305_010, 3_400_010, 305_990, 3_400_990)
        let layer = try GridGenerator.generate(
            boundaries: [("330402", southEast), ("330411", northWest)],
            parameters: GridParameters(cellSize: 500, projection: Self.utm51, threads: 1))
        #expect(layer.frame.originX == 300_000 && layer.frame.topY == 3_411_000)
        #expect(layer.cells.map(\.id) == [
            "330402-020-010", "330402-020-011", "330402-021-010", "330402-021-011",
            "330411-000-000", "330411-000-001", "330411-001-000", "330411-001-001",
        ])
        #expect(layer.cells.allSatisfy { !$0.isFull && abs($0.areaSquareMetres - 490 * 490) < 1e-3 })
        // Row 0 is the northernmost, column 0 the westernmost.
        let northernmost = try #require(layer.cells.max { $0.polygon.boundingBox.maxY < $1.polygon.boundingBox.maxY })
        let westernmost = try #require(layer.cells.min { $0.polygon.boundingBox.minX < $1.polygon.boundingBox.minX })
        #expect(northernmost.row == 0 && westernmost.col == 0)
        let cell = layer.cells[0]
        #expect(cell.parent == "330402" && cell.row == 20 && cell.col == 10)
    }

    @Test func pinnedOriginKeepsIdsWhenTheBoundaryShifts() throws {
        let parameters = GridParameters(cellSize: 500, projection: Self.utm51, threads: 1)
        let before = try GridGenerator.generate(
            boundaries: [("1", Self.rectangle(300_250, 3_400_250, 305_750, 3_405_750))], parameters: parameters)
        // Shifted 120 m east and 90 m south: the layer's top-left lattice corner stays (300 000, 3 406 000).
        let after = try GridGenerator.generate(
            boundaries: [("1", Self.rectangle(300_370, 3_400_160, 305_870, 3_405_660))], parameters: parameters)
        #expect(before.frame.originX == after.frame.originX && before.frame.topY == after.frame.topY)
        let fullBefore = Dictionary(uniqueKeysWithValues: before.cells.filter(\.isFull).map { ($0.id, $0) })
        let fullAfter = after.cells.filter(\.isFull)
        #expect(fullBefore.count == 100 && fullAfter.count == 100)
        var shared = 0
        for cell in fullAfter {
            guard let old = fullBefore[cell.id] else { continue }
            shared += 1
            #expect(old.polygon == cell.polygon && old.row == cell.row && old.col == cell.col)
        }
        #expect(shared == 100)  // every whole cell is the same cell, with the same id, in both weeks
    }

    @Test func squareCellIndexIsHalfOpen() throws {
        let frame = GridFrame(projection: Self.utm51, shape: .square, cellSize: 500,
                              extent: BoundingBox(minX: 300_100, minY: 3_400_100, maxX: 301_900, maxY: 3_401_900))
        #expect(frame.originX == 300_000 && frame.topY == 3_402_000)
        // West edge and top edge belong to the cell; east and bottom edges to the neighbours.
        #expect(Self.index(frame, Point(x: 300_000, y: 3_402_000)) == [0, 0])
        #expect(Self.index(frame, Point(x: 300_499.999, y: 3_401_500.001)) == [0, 0])
        #expect(Self.index(frame, Point(x: 300_500, y: 3_402_000)) == [0, 1])
        #expect(Self.index(frame, Point(x: 300_000, y: 3_401_500)) == [1, 0])
        #expect(Self.index(frame, Point(x: 301_250, y: 3_400_250)) == [3, 2])
        #expect(frame.cellId(parent: "330402", row: 3, col: 2) == "330402-003-002")
        #expect(frame.cellId(parent: "330402", row: 1234, col: 5) == "330402-1234-005")
    }

    // MARK: Hexagons

    @Test func hexagonsTileASquareWithoutGapsOrOverlaps() throws {
        let square = Self.rectangle(300_011, 3_400_013, 304_011, 3_404_013)
        let layer = try GridGenerator.generate(
            boundaries: [("330402", square)],
            parameters: GridParameters(cellSize: 300, shape: .hexagon, projection: Self.utm51,
                                       sliverThreshold: .squareMetres(0), threads: 2))
        let squareArea = 4000.0 * 4000.0
        let sum = layer.cells.reduce(0) { $0 + $1.areaSquareMetres }
        #expect(abs(sum - squareArea) <= 1e-9 * squareArea, "sum \(sum)")
        #expect(layer.dropped.isEmpty)
        let context = try GEOSContext()
        let union = try context.unaryUnion(layer.cells.map { Self.projected($0.polygon) }).area()
        #expect(abs(union - squareArea) <= 1e-6 * squareArea, "union \(union)")
        let full = layer.cells.filter(\.isFull)
        let hexagonArea = 300.0 * 300.0 * 3.0.squareRoot() / 2
        #expect(abs(layer.frame.fullCellArea - hexagonArea) < 1e-9)
        // About (area / hexagon area) cells, most of them whole.
        #expect(full.count > 150 && layer.cells.count > 200 && layer.cells.count < 260)
        for cell in full {
            #expect(abs(cell.areaSquareMetres - hexagonArea) < 1e-6)
            #expect(cell.polygon.polygons[0].exterior.points.count == 7)
            #expect(cell.id.hasPrefix("330402-H"))
            let centre = BoundingBox(cell.polygon.polygons[0].exterior.points.map(Self.utm51.forward)).center
            #expect(Self.index(layer.frame, centre) == [cell.row, cell.col])
        }
        #expect(Set(layer.cells.map(\.id)).count == layer.cells.count)
    }

    @Test func hexagonRowsAlternateAndAreOrderedNorthToSouth() throws {
        let frame = GridFrame(projection: Self.utm51, shape: .hexagon, cellSize: 300,
                              extent: BoundingBox(minX: 300_010, minY: 3_400_010, maxX: 302_000, maxY: 3_402_000))
        let r0 = frame.cellPolygon(row: 0, col: 0).boundingBox, r1 = frame.cellPolygon(row: 1, col: 0).boundingBox
        #expect(r1.center.y < r0.center.y)
        #expect(abs((r1.center.x - r0.center.x) - 150) < 1e-9)
        #expect(frame.cellId(parent: "1", row: 4, col: 7) == "1-H004-007")
        // The top row's centre sits on a multiple of two row spacings.
        let pair = 300 * 3.0.squareRoot()
        let ratio = frame.topY / pair
        #expect(abs(ratio - ratio.rounded()) < 1e-9)
    }

    // MARK: Slivers and bad input

    @Test func sliversBelowThresholdAreDroppedAndReported() throws {
        // Reaches 2 m into a third column: two 2 m × 490 m pieces of 980 m², under 1 % of a 500 m cell.
        let strip = Self.rectangle(300_010, 3_400_010, 301_002, 3_400_990)
        let parameters = GridParameters(cellSize: 500, projection: Self.utm51, threads: 1)
        let layer = try GridGenerator.generate(boundaries: [("7", strip)], parameters: parameters)
        #expect(layer.cells.count == 4)
        #expect(layer.dropped.count == 2)
        #expect(layer.dropped.map(\.cellId) == ["7-000-002", "7-001-002"])
        #expect(abs(layer.droppedAreaSquareMetres - 1960) < 1e-3)
        var keepAll = parameters
        keepAll.sliverThreshold = .squareMetres(1)
        let kept = try GridGenerator.generate(boundaries: [("7", strip)], parameters: keepAll)
        #expect(kept.cells.count == 6 && kept.dropped.isEmpty)
        #expect(kept.cells.filter { !$0.isFull }.allSatisfy { $0.col < 2 || abs($0.areaSquareMetres - 980) < 1e-3 })
    }

    @Test func selfIntersectingBoundaryIsRepairedFirst() throws {
        // A bow-tie (two 980 m triangles touching at the middle) is invalid for GEOS overlay; the generator
        // repairs it with MakeValid and grids both lobes.
        let corners = [Point(x: 300_010, y: 3_400_010), Point(x: 300_990, y: 3_400_990),
                       Point(x: 300_990, y: 3_400_010), Point(x: 300_010, y: 3_400_990), Point(x: 300_010, y: 3_400_010)]
        let bowTie = MultiPolygon([Polygon(exterior: Ring(corners.map(Self.utm51.inverse)))])
        let layer = try GridGenerator.generate(
            boundaries: [("1", bowTie)],
            parameters: GridParameters(cellSize: 500, projection: Self.utm51, sliverThreshold: .squareMetres(0), threads: 1))
        let total = layer.cells.reduce(0) { $0 + $1.areaSquareMetres }
        #expect(abs(total - 980 * 980 / 2) < 1e-3, "total \(total)")
        #expect(layer.cells.count == 4)
    }

    @Test func badInputIsReported() throws {
        let area = Self.rectangle(300_010, 3_400_010, 300_990, 3_400_990)
        #expect(throws: GridError.self) {
            try GridGenerator.generate(boundaries: [("1", area)], parameters: GridParameters(cellSize: 0))
        }
        #expect(throws: GridError.self) {
            try GridGenerator.generate(boundaries: [], parameters: GridParameters(cellSize: 500))
        }
        let broken = MultiPolygon([Polygon(exterior: Ring([Point(x: 120, y: 30), Point(x: .nan, y: 30),
                                                           Point(x: 120.1, y: 30.1), Point(x: 120, y: 30)]))])
        do {
            _ = try GridGenerator.generate(boundaries: [("1", area), ("330499", broken)],
                                           parameters: GridParameters(cellSize: 500))
            Issue.record("a NaN vertex was accepted")
        } catch let error as GridError {
            #expect(error.message.contains("330499") && error.message.contains("non-finite"))
        }
        #expect(throws: GridError.self) {
            try GridGenerator.generate(boundaries: [("1", area)], parameters: GridParameters(cellSize: 0.001))
        }
    }
}

/// The 500 m Jiaxing grid, the size the demo and the benchmarks use.
struct JiaxingFiveHundredMetreTests {
    @Test func sliverRuleOfTheBenchmarkWorkloadGivesItsCellCount() throws {
        // The reference workload (shapely, EPSG:32651) keeps every polygon part over 1 m²: 19 799 cells.
        let layer = try GridGenerator.generate(
            boundaries: try JiaxingFixture.districts(),
            parameters: GridParameters(cellSize: 500, sliverThreshold: .squareMetres(1), threads: 2))
        #expect(layer.cells.count == 19_799)
        #expect(Set(layer.cells.map(\.id)).count == 19_799)
        #expect(layer.dropped.allSatisfy { $0.areaSquareMetres < 1 })
    }
}

struct GridCellFeatureTests {
    @Test func featureCarriesTheCellProperties() throws {
        let area = GridGeneratorTests.rectangle(300_010, 3_400_010, 300_990, 3_400_990)
        let layer = try GridGenerator.generate(
            boundaries: [("330402", area)],
            parameters: GridParameters(cellSize: 500, projection: GridGeneratorTests.utm51, threads: 1))
        let feature = try #require(layer.featureCollection.features.first)
        #expect(feature.properties.keys == ["cell_id", "parent", "row", "col", "area_m2", "full"])
        #expect(feature.properties["cell_id"] == .string("330402-000-000"))
        #expect(feature.properties["parent"] == .string("330402"))
        #expect(feature.properties["row"] == .number(0) && feature.properties["col"] == .number(0))
        #expect(feature.properties["full"] == .bool(false))
        let cellArea = try #require(feature.properties["area_m2"]?.doubleValue)
        #expect(abs(cellArea - 490 * 490) < 1e-3)
        #expect(feature.geometry == .multiPolygon(layer.cells[0].polygon))
        #expect(layer.cells[0].polygon.polygons.allSatisfy { $0.exterior.isCounterClockwise })
    }
}
