import GEOSBridge
import GeoCore
@testable import LayerCheck
import Testing

/// Parent links by attribute and by containment, and counts rolled up four levels.
struct LayerHierarchyTests {
    @Test func attributeAndContainmentLinksAgree() throws {
        let parents = try LayerFixtures.level("clean_parents.geojson", name: "subdistrict", idField: "code")
        let byAttribute = try LayerHierarchy(levels: [
            parents, LayerFixtures.level("clean_cells.geojson", name: "grid", idField: "cell_id", parentField: "parent"),
        ])
        let byContainment = try LayerHierarchy(levels: [
            parents, LayerFixtures.level("clean_cells.geojson", name: "grid", idField: "cell_id"),
        ], threads: 2)
        // Columns 0-1 lie in W (index 0), columns 2-3 in E (index 1), for both rows.
        #expect(byAttribute.parents[1] == [0, 0, 1, 1, 0, 0, 1, 1])
        #expect(byContainment.parents[1] == byAttribute.parents[1])
        #expect(byAttribute.links[1].allSatisfy { $0.method == .attribute && abs($0.share - 1) < 1e-6 })
        #expect(byContainment.links[1].allSatisfy { $0.method == .containment && abs($0.share - 1) < 1e-6 })
        #expect(byAttribute.parents[0] == [nil, nil])
        let areas = byAttribute.areasSquareMetres(level: 1)
        #expect(areas.allSatisfy { abs($0 - 250_000) < 0.5 }, "\(areas)")
    }

    @Test func containmentPicksTheLargestOverlapAndReportsTheShare() throws {
        let parents = try LayerFixtures.level("clean_parents.geojson", name: "subdistrict", idField: "code")
        // 300 m in W, 200 m in E.
        let straddling = try LayerLevel(name: "grid", ids: ["s"], polygons: [LayerFixtures.rectangle(700, 0, 1200, 500)])
        let hierarchy = try LayerHierarchy(levels: [parents, straddling])
        #expect(hierarchy.links[1][0].parent == 0)
        #expect(abs(hierarchy.links[1][0].share - 0.6) < 1e-4)
        let report = try hierarchy.check()
        #expect(report.findings.contains { $0.kind == .outsideParent(parentId: "W", share: hierarchy.links[1][0].share) })
    }

    /// District 2 km × 1 km → subdistricts W, E → communities 500 m × 1 km → grid cells 500 m.
    static func fourLevels(linkByAttribute: Bool) throws -> LayerHierarchy {
        let r = LayerFixtures.rectangle
        let district = try LayerLevel(name: "district", ids: ["D"], polygons: [r(0, 0, 2000, 1000)])
        let subdistricts = try LayerLevel(name: "subdistrict", ids: ["W", "E"],
                                          polygons: [r(0, 0, 1000, 1000), r(1000, 0, 2000, 1000)],
                                          parentKeys: linkByAttribute ? ["D", "D"] : nil)
        let communities = try LayerLevel(name: "community", ids: ["c0", "c1", "c2", "c3"],
                                         polygons: (0..<4).map { r(Double($0) * 500, 0, Double($0 + 1) * 500, 1000) },
                                         parentKeys: linkByAttribute ? ["W", "W", "E", "E"] : nil)
        // Cells listed column by column, south cell first, so that cell k is in community k / 2.
        let cells = try LayerLevel(name: "grid", ids: (0..<8).map { "g\($0)" },
                                   polygons: (0..<8).map { k in
                                       let x = Double(k / 2) * 500, y = Double(k % 2) * 500
                                       return r(x, y, x + 500, y + 500)
                                   },
                                   parentKeys: linkByAttribute ? (0..<8).map { "c\($0 / 2)" } : nil)
        return try LayerHierarchy(levels: [district, subdistricts, communities, cells])
    }

    @Test func countsRollUpTheHierarchy() throws {
        let counts = [3, 0, 7, 1, 10, 20, 0, 5]
        for byAttribute in [true, false] {
            let hierarchy = try Self.fourLevels(linkByAttribute: byAttribute)
            #expect(hierarchy.parents[3] == [0, 0, 1, 1, 2, 2, 3, 3])
            #expect(hierarchy.parents[2] == [0, 0, 1, 1])
            #expect(hierarchy.parents[1] == [0, 0])
            let rolled = try hierarchy.rollUp(counts: counts)
            #expect(rolled == [[46], [11, 35], [3, 8, 30, 5], counts])
            #expect(try hierarchy.check().findings.isEmpty)
        }
        #expect(throws: LayerCheckError.self) { try Self.fourLevels(linkByAttribute: true).rollUp(counts: [1, 2]) }
    }

    @Test func differenceHandlesHolesAndIslands() throws {
        let context = try GEOSContext()
        func square(_ x0: Double, _ y0: Double, _ x1: Double, _ y1: Double, holes: [Ring] = []) -> Polygon {
            Polygon(exterior: Ring([Point(x: x0, y: y0), Point(x: x1, y: y0), Point(x: x1, y: y1), Point(x: x0, y: y1),
                                    Point(x: x0, y: y0)]), holes: holes)
        }
        let region = MultiPolygon([square(0, 0, 100, 100)])
        // A frame with a 60 × 60 hole holding a 20 × 20 island, plus a strip sharing the region's west edge.
        let frame = square(10, 10, 90, 90, holes: [square(20, 20, 80, 80).exterior.reversed()])
        let island = square(40, 40, 60, 60)
        let strip = square(-5, 0, 5, 100)
        let rest = try context.difference(region, minus: [MultiPolygon([frame]), MultiPolygon([island]), MultiPolygon([strip])])
        let area: Double = try context.geometry(rest).area()
        let expected: Double = 10_000 - 2_800 - 400 - 500  // minus frame (6,400 − 3,600), island, strip's inside part
        #expect(abs(area - expected) < 1e-6, "\(area)")
        #expect(try context.geometry(rest).isValid())

        // A region wholly inside what is subtracted leaves nothing; nested islands and a region with a hole.
        let inner = MultiPolygon([square(45, 45, 55, 55)])
        #expect(try context.difference(inner, minus: [MultiPolygon([square(0, 0, 100, 100)])]).polygons.isEmpty)
        let ring = square(0, 0, 100, 100, holes: [square(30, 30, 70, 70).exterior.reversed()])
        let nested = [MultiPolygon([square(10, 10, 90, 90, holes: [square(20, 20, 80, 80).exterior.reversed()])]),
                      MultiPolygon([square(25, 25, 75, 75, holes: [square(35, 35, 65, 65).exterior.reversed()])]),
                      MultiPolygon([square(40, 40, 60, 60)])]
        let left = try context.geometry(context.difference(MultiPolygon([ring]), minus: nested)).area()
        // Region 10,000 − 1,600 = 8,400; uncovered: the outer band 10,000 − 6,400 and the ring 20..25 inside the frame.
        #expect(abs(left - (3_600 + (3_600 - 2_500))) < 1e-6, "\(left)")
    }
}
