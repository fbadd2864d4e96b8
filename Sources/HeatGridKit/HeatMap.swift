import GeoCore
import Projection
import Render

/// How a map looks: canvas size, kernel, colours and scale, background.
public struct HeatMapStyle: Sendable {
    public var width = 1600
    /// Kernel radius in metres on the ground; `nil` uses ArcGIS's default rule for the points at hand.
    public var radius: Double? = 1_500
    public var kernel = Kernel.quartic
    public var colorMap = ColorMap.heat
    public var scale = ShadingScale.sqrt
    /// Classes instead of a continuous ramp (pinned from a file, or computed by the caller).
    public var classes: ClassBreaks?
    /// With a continuous scale: the share of positive pixels below the top of the ramp; the hottest pixels above
    /// it saturate, so one extreme pixel does not wash out the rest of the map.
    public var topQuantile = 0.995
    /// No background or area fill: only the density and the outlines, for overlay on other maps.
    public var transparentBackground = false
    /// Density is drawn only inside the mapped areas (nobody answers for incidents outside them).
    public var clipToAreas = true
    public var background = RGBA(hex: 0xF7F7F4)
    public var areaFill = RGBA(hex: 0xE6E3DA)
    public var outline = RGBA(hex: 0x3C3C46)
    public var outlineWidth = 1.6

    public init() {}
}

/// A rendered map (before labels and legend) and the numbers behind its colours.
public struct HeatMap: Sendable {
    public let image: RGBAImage
    public let canvas: MapCanvas
    /// The density surface (incidents per km²), or `nil` for a per-cell map.
    public let density: DensityRaster?
    /// The shading as applied, fitted to the values shown.
    public let shading: FittedShading
    /// The kernel radius used, in metres (`nil` for a per-cell map).
    public let radius: Double?
    /// The smallest value shown (0 for densities): the lower end of a classed legend's first class.
    public let lowestValue: Double
    /// Density (or value) at the top of the colour ramp.
    public var top: Double { shading.shading.top }
}

/// Why a map could not be drawn.
public enum MapError: Error, CustomStringConvertible, Sendable {
    case noRadius

    public var description: String {
        switch self {
        case .noRadius: "cannot choose a kernel radius from fewer than two distinct incidents: give --radius"
        }
    }
}

/// The areas of `layer` in canvas pixels: per area, per polygon, per ring.
func pixelRings(of layer: BoundaryLayer, on canvas: MapCanvas) -> [[[[Point]]]] {
    layer.polygons.map { multi in multi.polygons.map { polygon in polygon.rings.map { $0.points.map(canvas.pixel(ofLonLat:)) } } }
}

/// Background and area fill under a map's data layer, and the mask of the areas.
private func baseLayers(_ rings: [[[[Point]]]], canvas: MapCanvas, style: HeatMapStyle) -> (base: RGBAImage, areas: RGBAImage) {
    var areas = RGBAImage(width: canvas.width, height: canvas.height)
    for polygons in rings {
        for polygonRings in polygons { areas.fill(rings: polygonRings, color: style.areaFill) }
    }
    var base = RGBAImage(width: canvas.width, height: canvas.height,
                         fill: style.transparentBackground ? .transparent : style.background)
    if !style.transparentBackground { base.composite(areas) }
    return (base, areas)
}

private func strokeOutlines(_ rings: [[[[Point]]]], on image: inout RGBAImage, width: Double, color: RGBA) {
    for polygons in rings {
        for polygonRings in polygons {
            for ring in polygonRings { image.stroke(ring, lineWidth: width, color: color) }
        }
    }
}

/// A density surface on a canvas over a layer, and the radius it used.
public struct DensitySurface: Sendable {
    public let canvas: MapCanvas
    public let density: DensityRaster
    public let radius: Double
}

/// Kernel density of incidents (longitude/latitude in the layer's datum) on a canvas over `layer`, in incidents
/// per km². Records the stage `kde` in `timings`.
public func estimateDensity(layer: BoundaryLayer, longitude: [Double], latitude: [Double], weights: [Float]? = nil,
                            style: HeatMapStyle, threads: Int = 2, timings: inout Timings) throws -> DensitySurface {
    let canvas = MapCanvas(lonLatExtent: layer.boundingBox, width: style.width)
    return try timings.measure("kde") {
        let (x, y) = ProjectionLattice(covering: canvas, margin: 0.05).forward(longitude: longitude, latitude: latitude,
                                                                             threads: threads)
        guard let radius = style.radius ?? KernelDensity.defaultRadius(x: x, y: y, weights: weights) else {
            throw MapError.noRadius
        }
        let density = KernelDensity.estimate(x: x, y: y, weights: weights, on: canvas, radius: radius,
                                             kernel: style.kernel, threads: threads)
        return DensitySurface(canvas: canvas, density: density, radius: radius)
    }
}

/// A density surface drawn over its layer: areas filled, density shaded over them (classes when the style has
/// them, else the continuous scale topped at `style.topQuantile`), outlines on top. Records the stage `shade`.
public func shadeHeatMap(_ surface: DensitySurface, layer: BoundaryLayer, style: HeatMapStyle,
                         timings: inout Timings) -> HeatMap {
    timings.measure("shade") {
        let density = surface.density
        let shading: Shading = style.classes.map { Shading(colorMap: style.colorMap, classes: $0, zeroIsTransparent: true) }
            ?? Shading(colorMap: style.colorMap, scale: style.scale,
                       top: max(Double(density.positiveQuantile(style.topQuantile)), .leastNormalMagnitude))
        let rings = pixelRings(of: layer, on: surface.canvas)
        var (image, areas) = baseLayers(rings, canvas: surface.canvas, style: style)
        image.composite(shading.image(of: density), mask: style.clipToAreas ? areas : nil)
        strokeOutlines(rings, on: &image, width: style.outlineWidth, color: style.outline)
        return HeatMap(image: image, canvas: surface.canvas, density: density, shading: shading.fitted(to: density.values),
                       radius: surface.radius, lowestValue: 0)
    }
}

/// `estimateDensity` then `shadeHeatMap`.
public func renderHeatMap(layer: BoundaryLayer, longitude: [Double], latitude: [Double], weights: [Float]? = nil,
                          style: HeatMapStyle = HeatMapStyle(), threads: Int = 2,
                          timings: inout Timings) throws -> HeatMap {
    let surface = try estimateDensity(layer: layer, longitude: longitude, latitude: latitude, weights: weights,
                                      style: style, threads: threads, timings: &timings)
    return shadeHeatMap(surface, layer: layer, style: style, timings: &timings)
}

/// A per-cell map: each area filled with the colour of its value (counts, rates, Gi* z-scores, changes), thin
/// cell outlines, and optionally a coarser layer's outlines (districts) on top.
public func renderCellMap(layer: BoundaryLayer, values: [Double], shading: Shading, overlay: BoundaryLayer? = nil,
                          style: HeatMapStyle = HeatMapStyle()) -> HeatMap {
    precondition(values.count == layer.count, "one value per area")
    let fitted = shading.fitted(to: values.map(Float.init))
    let (image, canvas) = drawCells(layer: layer, colors: values.map { fitted.color(of: $0) }, overlay: overlay,
                                    style: style)
    return HeatMap(image: image, canvas: canvas, density: nil, shading: fitted, radius: nil,
                   lowestValue: min(0, values.filter(\.isFinite).min() ?? 0))
}

/// Cells in colours of their own (a category each: hot-spot bins, emerging patterns; nil leaves a cell unfilled),
/// with the same base, outlines and overlay as `renderCellMap`. The map's legend comes from `MapText.legendEntries`.
public func renderCategoryMap(layer: BoundaryLayer, colors: [RGBA?], overlay: BoundaryLayer? = nil,
                              style: HeatMapStyle = HeatMapStyle()) -> HeatMap {
    precondition(colors.count == layer.count, "one colour per area")
    let (image, canvas) = drawCells(layer: layer, colors: colors, overlay: overlay, style: style)
    return HeatMap(image: image, canvas: canvas, density: nil, shading: Shading(colorMap: style.colorMap, top: 1).fitted(to: []),
                   radius: nil, lowestValue: 0)
}

/// The base layers, each cell filled with its colour, light cell edges and the overlay's strong lines.
private func drawCells(layer: BoundaryLayer, colors: [RGBA?], overlay: BoundaryLayer?,
                       style: HeatMapStyle) -> (RGBAImage, MapCanvas) {
    let extent = overlay.map { $0.boundingBox.union(layer.boundingBox) } ?? layer.boundingBox
    let canvas = MapCanvas(lonLatExtent: extent, width: style.width)
    let rings = pixelRings(of: layer, on: canvas)
    var (image, _) = baseLayers(rings, canvas: canvas, style: style)
    for (polygons, color) in zip(rings, colors) {
        guard let color else { continue }
        for polygonRings in polygons { image.fill(rings: polygonRings, color: color) }
    }
    // Thin, light cell edges keep a dense grid readable; the overlay carries the strong lines. The smaller the
    // cells on the image, the fainter their edges, so the data reads first: full strength (35 %) from cells about
    // 32 px wide, none under 4 px (a city's 20,000 cells at 1,600 px are about 8 px: edges at 5 %).
    let box = layer.boundingBox
    let corner = canvas.pixel(ofLonLat: Point(x: box.minX, y: box.minY))
    let opposite = canvas.pixel(ofLonLat: Point(x: box.maxX, y: box.maxY))
    let cellPixels = (abs(opposite.x - corner.x) * abs(opposite.y - corner.y) / Double(max(layer.count, 1))).squareRoot()
    let edgeCoverage = min(0.35, max(0, (cellPixels - 4) / 80))
    if edgeCoverage > 0 {
        strokeOutlines(rings, on: &image, width: max(0.6, style.outlineWidth / 3),
                       color: style.outline.withCoverage(edgeCoverage))
    }
    if let overlay {
        strokeOutlines(pixelRings(of: overlay, on: canvas), on: &image, width: style.outlineWidth, color: style.outline)
    }
    return (image, canvas)
}
