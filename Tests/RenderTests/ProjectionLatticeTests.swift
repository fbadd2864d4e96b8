import GeoCore
import Projection
import Render
import Testing
import TestSupport

struct ProjectionLatticeTests {
    @Test func interpolationStaysWithinTwoCentimetresOfTheSeries() {
        // A box a little larger than Jiaxing's seven districts, UTM 51N.
        let box = BoundingBox(minX: 120.2, minY: 30.1, maxX: 121.5, maxY: 31.1)
        let lattice = ProjectionLattice(.utm(zone: 51), lonLatExtent: box)
        var rng = SeededGenerator(seed: 11)
        var worst = 0.0
        for _ in 0..<20_000 {
            let p = Point(x: 120.2 + rng.unit() * 1.3, y: 30.1 + rng.unit() * 1.0)
            let a = lattice.forward(p), b = TransverseMercator.utm(zone: 51).forward(p)
            worst = max(worst, ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot())
        }
        #expect(worst < 0.02, "worst \(worst) m")
        #expect(worst > 0)  // it does interpolate
        // Outside the box: the series itself.
        let outside = Point(x: 119.0, y: 29.0)
        #expect(lattice.forward(outside) == TransverseMercator.utm(zone: 51).forward(outside))
    }

    @Test func latticeCoveringACanvasProjectsArraysOnAnyThreadCount() {
        let canvas = MapCanvas(lonLatExtent: BoundingBox(minX: 120.3, minY: 30.3, maxX: 121.2, maxY: 31.0), width: 400)
        let lattice = ProjectionLattice(covering: canvas, margin: 2_000)
        var rng = SeededGenerator(seed: 5)
        let lon = (0..<120_000).map { _ in 120.25 + rng.unit() * 1.0 }, lat = (0..<120_000).map { _ in 30.25 + rng.unit() * 0.8 }
        let one = lattice.forward(longitude: lon, latitude: lat, threads: 1)
        let two = lattice.forward(longitude: lon, latitude: lat, threads: 2)
        #expect(one.x == two.x && one.y == two.y)
        for i in stride(from: 0, to: lon.count, by: 997) {
            let exact = canvas.projection.forward(Point(x: lon[i], y: lat[i]))
            #expect(abs(one.x[i] - exact.x) < 0.02 && abs(one.y[i] - exact.y) < 0.02)
        }
        // Every corner of the canvas lies inside the lattice's box.
        let e = canvas.extent
        for corner in [Point(x: e.minX, y: e.minY), Point(x: e.maxX, y: e.maxY), Point(x: e.minX, y: e.maxY)] {
            #expect(lattice.lonLatExtent.contains(canvas.projection.inverse(corner)))
        }
    }
}
