import GEOSBridge
import GeoCore
import LayerCheck
import GeoJSON
import TestSupport
import Testing

/// The committed broken layer gives exactly its known findings; the clean one none.
struct LayerCheckTests {
    static func brokenHierarchy(byAttribute: Bool = true) throws -> LayerHierarchy {
        let parent = try LayerFixtures.level("broken_parent.geojson", name: "subdistrict", idField: "code")
        let cells = try LayerFixtures.level("broken_cells.geojson", name: "grid", idField: "cell_id",
                                            parentField: byAttribute ? "parent" : nil)
        return try LayerHierarchy(levels: [parent, cells], threads: 2)
    }

    static func near(_ value: Double, _ expected: Double, within fraction: Double = 0.01) -> Bool {
        abs(value - expected) <= abs(expected) * fraction
    }

    @Test func brokenLayerGivesExactlyItsKnownFindings() throws {
        let report = try Self.brokenHierarchy().check(threads: 2)
        let summary = report.findings.map { "\($0.level) \($0.kindName) \($0.id) #\($0.featureIndex)" }
        #expect(summary == [
            "grid invalid_geometry C-1-0 #3",
            "grid duplicate_id C-2-0 #6",
            "grid overlap C-0-0 #0",
            "grid outside_parent C-2-2 #8",
            "grid gap P #0",
        ], "\(report.findings)")
        #expect(report.errorCount == 3 && report.warningCount == 2 && report.hasErrors)

        for finding in report.findings {
            switch finding.kind {
            case .invalidGeometry(let reason, let location):
                #expect(reason == "Self-intersection")
                // The knot's crossing, 250 m east and 500.048 m north of the corner.
                let at = LayerFixtures.local(try #require(location))
                #expect(abs(at.x - 250) < 0.01 && abs(at.y - 500.048) < 0.01, "\(at)")
            case .duplicateId(let features):
                #expect(features == [6, 7])
            case .overlap(let otherId, let otherFeature, let area):
                #expect(otherId == "C-0-1" && otherFeature == 1)
                #expect(Self.near(area, 10_000), "\(area)")
            case .outsideParent(let parentId, let share):
                #expect(parentId == "P")
                #expect(Self.near(share, 0.625), "\(share)")
            case .gap(let area, let point):
                #expect(Self.near(area, 6_000), "\(area)")
                let at = LayerFixtures.local(point)
                #expect(at.x > 700 && at.x < 800 && at.y > 650 && at.y < 710, "\(at)")
            case .unknownParent:
                Issue.record("unexpected \(finding)")
            }
        }
    }

    @Test func severities() throws {
        let kinds: [(LayerFinding.Kind, LayerFinding.Severity)] = [
            (.invalidGeometry(reason: "Self-intersection", location: nil), .error),
            (.duplicateId(featureIndices: [1, 2]), .error),
            (.overlap(otherId: "b", otherFeature: 1, areaSquareMetres: 5), .error),
            (.unknownParent(key: "x"), .error),
            (.outsideParent(parentId: nil, share: 0), .warning),
            (.gap(areaSquareMetres: 500, point: Point(x: 0, y: 0)), .warning),
        ]
        for (kind, severity) in kinds {
            #expect(LayerFinding(level: "grid", id: "a", featureIndex: 0, kind: kind).severity == severity)
        }
    }

    @Test func tolerancesHideSmallerProblems() throws {
        var options = LayerCheckOptions()
        options.overlapToleranceSquareMetres = 10_500
        options.gapToleranceSquareMetres = 6_500
        options.containmentThreshold = 0.6
        let report = try Self.brokenHierarchy().check(options: options)
        #expect(report.findings.map(\.kindName) == ["invalid_geometry", "duplicate_id"])
        // Lowering the gap tolerance under the bow-tie's 12 m² sliver reveals it as a second gap.
        options.gapToleranceSquareMetres = 5
        let fine = try Self.brokenHierarchy().check(options: options)
        let gaps = fine.findings.compactMap { if case .gap(let area, let point) = $0.kind { (area, point) } else { nil } }
        #expect(gaps.count == 2)
        if gaps.count == 2 {
            #expect(Self.near(gaps[1].0, 500 * (0.05 * 250 / 260) / 2, within: 0.02), "\(gaps[1].0)")
            let at = LayerFixtures.local(gaps[1].1)
            #expect(at.x > 0 && at.x < 500 && abs(at.y - 500) < 0.05, "\(at)")
        }
    }

    @Test func cleanLayerHasNoFindings() throws {
        let parents = try LayerFixtures.level("clean_parents.geojson", name: "subdistrict", idField: "code")
        for parentField in ["parent", nil] {
            let cells = try LayerFixtures.level("clean_cells.geojson", name: "grid", idField: "cell_id", parentField: parentField)
            let report = try LayerHierarchy(levels: [parents, cells]).check()
            #expect(report.findings.isEmpty, "\(report.findings)")
        }
    }

    @Test func unknownParentIdAndCellOutsideEveryParent() throws {
        let parents = try LayerFixtures.level("clean_parents.geojson", name: "subdistrict", idField: "code")
        let cells = try LayerLevel(
            name: "grid", ids: ["a", "b"],
            polygons: [LayerFixtures.rectangle(0, 0, 500, 500), LayerFixtures.rectangle(5_000, 0, 5_500, 500)],
            parentKeys: ["Z", nil])
        let report = try LayerHierarchy(levels: [parents, cells]).check()
        #expect(report.findings.count == 4, "\(report.findings)")
        #expect(report.findings.first?.kind == .unknownParent(key: "Z"))
        #expect(report.findings.dropFirst().first?.kind == .outsideParent(parentId: nil, share: 0))
        // The two parents are left uncovered: W but for cell a's quarter, E entirely.
        let gaps = report.findings.compactMap { if case .gap(let area, _) = $0.kind { ($0.id, area) } else { nil } }
        #expect(gaps.map(\.0) == ["W", "E"])
        #expect(gaps.count == 2 && Self.near(gaps[0].1, 750_000) && Self.near(gaps[1].1, 1_000_000), "\(gaps)")
    }

    /// The shipped Jiaxing file: the seven districts under the city (one file, `level` city / district). The
    /// city is exactly the union of its districts, so the check finds nothing at the default tolerances.
    @Test func jiaxingDistrictsUnderTheCityAreClean() throws {
        let collection = try GeoJSONReader().read(path: Fixtures.geodata("jiaxing.geojson"))
        func level(_ value: String) throws -> LayerLevel {
            let features = collection.features.filter { $0.properties["level"]?.stringValue == value }
            return try LayerLevel(name: value, ids: features.map { $0.properties["adcode"]?.identifierText ?? "" },
                                  polygons: features.compactMap { $0.geometry?.areal })
        }
        let hierarchy = try LayerHierarchy(levels: [level("city"), level("district")], threads: 2)
        #expect(hierarchy.parents[1] == Array(repeating: 0, count: 7))
        #expect(hierarchy.links[1].allSatisfy { $0.share > 0.999999 })
        let report = try hierarchy.check(threads: 2)
        #expect(report.findings.isEmpty, "\(report.findings)")
        // Even with no tolerance at all, nothing measurable is left between the districts.
        var strict = LayerCheckOptions()
        strict.overlapToleranceSquareMetres = 0.01
        strict.gapToleranceSquareMetres = 0.01
        #expect(try hierarchy.check(options: strict, threads: 2).findings.isEmpty)
    }
}
