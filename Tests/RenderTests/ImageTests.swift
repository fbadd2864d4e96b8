import GeoCore
import Render
import Testing

struct ImageTests {
    @Test func opaqueAndHalfTransparentBlending() {
        var image = RGBAImage(width: 2, height: 2, fill: .white)
        image.blend(x: 0, y: 0, RGBA(255, 0, 0))
        image.blend(x: 1, y: 0, RGBA(0, 0, 255, 128))
        image.blend(x: 5, y: 5, RGBA(0, 0, 0))  // outside: ignored
        #expect(image[0, 0] == RGBA(255, 0, 0, 255))
        #expect(image[1, 0] == RGBA(127, 127, 255, 255))
        #expect(image[0, 1] == .white && image[1, 1] == .white)
    }

    @Test func blendingOverTransparentKeepsTheSourceColour() {
        var image = RGBAImage(width: 1, height: 1)
        image.blend(x: 0, y: 0, RGBA(10, 20, 30, 100))
        #expect(image[0, 0] == RGBA(10, 20, 30, 100))
    }

    @Test func colourMapEndsMatchMatplotlib() {
        #expect(ColorMap.viridis.color(at: 0) == RGBA(68, 1, 84))
        #expect(ColorMap.viridis.color(at: 1) == RGBA(253, 231, 37))
        #expect(ColorMap.inferno.color(at: 0) == RGBA(0, 0, 4))
        #expect(ColorMap.inferno.color(at: 1) == RGBA(252, 255, 164))
        #expect(ColorMap.magma.color(at: 1) == RGBA(252, 253, 191))
        #expect(ColorMap.heat.color(at: 0).a == 0)
        #expect(ColorMap.heat.color(at: 1) == RGBA(160, 0, 38, 245))
    }

    @Test func shadingLeavesZeroTransparentAndSaturatesAtTop() {
        let raster = DensityRaster(width: 3, height: 1, values: [0, 50, 400])
        let image = Shading(colorMap: .inferno, scale: .linear, top: 100).image(of: raster)
        #expect(image[0, 0] == .transparent)
        #expect(image[1, 0] == ColorMap.inferno.color(at: 0.5))
        #expect(image[2, 0] == ColorMap.inferno.color(at: 1))
    }

    @Test func fillHonoursHoles() {
        var image = RGBAImage(width: 9, height: 9)
        let outer = [Point(x: 0, y: 0), Point(x: 9, y: 0), Point(x: 9, y: 9), Point(x: 0, y: 9), Point(x: 0, y: 0)]
        let hole = [Point(x: 3, y: 3), Point(x: 6, y: 3), Point(x: 6, y: 6), Point(x: 3, y: 6), Point(x: 3, y: 3)]
        image.fill(rings: [outer, hole], color: .black)
        #expect(image[0, 0] == .black && image[8, 8] == .black && image[2, 4] == .black)
        #expect(image[4, 4] == .transparent && image[3, 3] == .transparent)
    }

    @Test func strokeCoversTheLineAndFadesAtItsEdge() {
        var image = RGBAImage(width: 10, height: 5, fill: .white)
        image.stroke([Point(x: 0, y: 2.5), Point(x: 10, y: 2.5)], lineWidth: 1, color: .black)
        #expect(image[5, 2] == .black)  // centre row fully covered
        #expect(image[5, 0] == .white && image[5, 4] == .white)
        var thin = RGBAImage(width: 10, height: 5, fill: .white)
        thin.stroke([Point(x: 0, y: 2.0), Point(x: 10, y: 2.0)], lineWidth: 1, color: .black)
        #expect(thin[5, 1].r > 0 && thin[5, 1].r < 255)  // the line straddles two rows: both half covered
    }

    @Test func canvasMapsMetresToPixels() {
        let canvas = MapCanvas(extent: BoundingBox(minX: 0, minY: 0, maxX: 1_000, maxY: 500), width: 100,
                               projection: .utm(zone: 51))
        #expect(canvas.height == 50 && canvas.pixelSize == 10)
        #expect(canvas.pixel(ofMetres: Point(x: 0, y: 500)) == Point(x: 0, y: 0))
        #expect(canvas.pixel(ofMetres: Point(x: 1_000, y: 0)) == Point(x: 100, y: 50))
    }
}
