import GeoCore
import HeatGridKit
import Testing
import TestSupport

/// The hot spot and emerging maps by their pixels: the pixel under each cell's centre has the colour of that cell's
/// bin or pattern, so the map says what the GeoJSON says.
struct CategoryMapTests {
    static let cellsPath = Fixtures.repositoryRoot + "/Tests/AggregateTests/Reference/cells.geojson"

    private func centrePixels(_ map: HeatMap, _ layer: BoundaryLayer) -> [RGBA] {
        layer.polygons.map { polygon in
            let p = map.canvas.pixel(ofLonLat: polygon.boundingBox.center)
            return map.image[Int(p.x), Int(p.y)]
        }
    }

    @Test func everyGiBinIsDrawnInItsColour() throws {
        let layer = try BoundaryLayer.load(path: Self.cellsPath, idField: "cell_id")
        let bins = (0..<layer.count).map { Int8($0 % 7) - 3 }
        let map = renderCategoryMap(layer: layer, colors: bins.map { HotSpotColors.color(bin: $0) })
        #expect(centrePixels(map, layer) == bins.map { HotSpotColors.color(bin: $0) })
        // Seven distinct colours, and the legend lists them hot to cold.
        #expect(Set((-3...3).map { HotSpotColors.color(bin: Int8($0)) }).count == 7)
        #expect(HotSpotColors.legend(chinese: false).map(\.color) == [3, 2, 1, 0, -1, -2, -3].map { HotSpotColors.color(bin: $0) })
    }

    @Test func everyEmergingPatternIsDrawnInItsColour() throws {
        let layer = try BoundaryLayer.load(path: Self.cellsPath, idField: "cell_id")
        let all = EmergingCategory.allCases
        let categories = (0..<layer.count).map { all[$0 % all.count] }
        let map = renderCategoryMap(layer: layer, colors: categories.map(EmergingColors.color))
        let blank = renderCategoryMap(layer: layer, colors: categories.map { _ in nil })
        let pixels = centrePixels(map, layer), unfilled = centrePixels(blank, layer)
        for (k, category) in categories.enumerated() {
            // A cell with no pattern is left as the base map shows it.
            #expect(pixels[k] == (EmergingColors.color(category) ?? unfilled[k]), "\(category)")
        }
        // Each pattern has a colour of its own, none the base's.
        let colours = all.compactMap(EmergingColors.color)
        #expect(colours.count == all.count - 1 && Set(colours).count == colours.count)
        #expect(!colours.contains(unfilled[0]))
    }
}
