import GeoCore
import Projection
import Render

/// How a kernel-density heat map looks.
public struct HeatMapStyle: Sendable {
    public var width = 1600
    /// Kernel radius in metres on the ground.
    public var radius = 1_500.0
    public var kernel = Kernel.quartic
    public var colorMap = ColorMap.heat
    public var scale = ShadingScale.sqrt
    /// The share of positive pixels below the top of the ramp; the hottest pixels above it saturate.
    public var topQuantile = 0.995
    public var background = RGBA(hex: 0xF7F7F4)
    public var areaFill = RGBA(hex: 0xE6E3DA)
    public var outline = RGBA(hex: 0x3C3C46)
    public var outlineWidth = 1.6

    public init() {}
}

/// A rendered heat map and the numbers behind its colours.
public struct HeatMap: Sendable {
    public let image: RGBAImage
    public let canvas: MapCanvas
    public let density: DensityRaster
    /// Density (incidents per km²) shown at the top of the colour ramp.
    public let top: Double
}

/// Kernel density of incidents over a boundary layer: areas filled, density shaded over them, outlines on top.
public func renderHeatMap(layer: BoundaryLayer, longitude: [Double], latitude: [Double], weights: [Float]? = nil,
                          style: HeatMapStyle = HeatMapStyle(), threads: Int = 2) -> HeatMap {
    let canvas = MapCanvas(lonLatExtent: layer.boundingBox, width: style.width)
    var xs = [Double](repeating: 0, count: longitude.count), ys = xs
    for i in 0..<longitude.count {
        let p = canvas.projection.forward(Point(x: longitude[i], y: latitude[i]))
        xs[i] = p.x
        ys[i] = p.y
    }
    let density = KernelDensity.estimate(x: xs, y: ys, weights: weights, on: canvas, radius: style.radius,
                                         kernel: style.kernel, threads: threads)
    let top = Double(density.positiveQuantile(style.topQuantile))

    let pixelRings = layer.polygons.map { multi in
        multi.polygons.map { polygon in polygon.rings.map { $0.points.map(canvas.pixel(ofLonLat:)) } }
    }
    var areas = RGBAImage(width: canvas.width, height: canvas.height)
    for polygons in pixelRings {
        for rings in polygons { areas.fill(rings: rings, color: style.areaFill) }
    }
    var image = RGBAImage(width: canvas.width, height: canvas.height, fill: style.background)
    image.composite(areas)
    // Density is shown inside the mapped areas only: outside them no one is responsible for it.
    image.composite(Shading(colorMap: style.colorMap, scale: style.scale, top: top).image(of: density), mask: areas)
    for polygons in pixelRings {
        for rings in polygons {
            for ring in rings { image.stroke(ring, lineWidth: style.outlineWidth, color: style.outline) }
        }
    }
    return HeatMap(image: image, canvas: canvas, density: density, top: top)
}
