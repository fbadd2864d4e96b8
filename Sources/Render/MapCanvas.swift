import GeoCore
import Projection

/// Where a map is drawn: a rectangle in projected metres and its pixel raster.
///
/// Pixels are square. Pixel (col, row) covers x in [minX + col·s, minX + (col+1)·s) and y in
/// (maxY − (row+1)·s, maxY − row·s], so rows run north to south like the image.
public struct MapCanvas: Hashable, Sendable {
    /// The projection from longitude/latitude to the canvas' metres.
    public let projection: TransverseMercator
    /// The extent in metres; its aspect ratio equals `width / height`.
    public let extent: BoundingBox
    public let width: Int
    public let height: Int
    /// Metres per pixel.
    public var pixelSize: Double { extent.width / Double(width) }

    /// A canvas `width` pixels wide showing `lonLatExtent` with a margin (a fraction of the larger side) around it.
    /// The height follows from the extent's aspect ratio in metres.
    public init(lonLatExtent: BoundingBox, width: Int, margin: Double = 0.03, projection: TransverseMercator? = nil) {
        let projection = projection ?? .utm(containing: lonLatExtent.center)
        let corners = [
            Point(x: lonLatExtent.minX, y: lonLatExtent.minY), Point(x: lonLatExtent.maxX, y: lonLatExtent.minY),
            Point(x: lonLatExtent.minX, y: lonLatExtent.maxY), Point(x: lonLatExtent.maxX, y: lonLatExtent.maxY),
            Point(x: lonLatExtent.center.x, y: lonLatExtent.minY), Point(x: lonLatExtent.center.x, y: lonLatExtent.maxY),
        ]
        let metres = BoundingBox(corners.map(projection.forward))
        self.init(extent: metres.expanded(by: margin * max(metres.width, metres.height)), width: width,
                  projection: projection)
    }

    /// A canvas over `extent` (metres) `width` pixels wide; the extent's top edge is extended so rows are whole.
    public init(extent: BoundingBox, width: Int, projection: TransverseMercator) {
        precondition(width > 0 && extent.width > 0 && extent.height > 0, "canvas needs a positive size")
        self.projection = projection
        self.width = width
        let pixelSize = extent.width / Double(width)
        height = max(1, Int((extent.height / pixelSize).rounded(.up)))
        self.extent = BoundingBox(minX: extent.minX, minY: extent.minY, maxX: extent.maxX,
                                  maxY: extent.minY + Double(height) * pixelSize)
    }

    /// Fractional pixel coordinates of a projected point: (0, 0) is the top-left corner of the top-left pixel.
    @inlinable
    public func pixel(ofMetres p: Point) -> Point {
        let s = pixelSize
        return Point(x: (p.x - extent.minX) / s, y: (extent.maxY - p.y) / s)
    }

    /// Fractional pixel coordinates of a longitude/latitude point.
    public func pixel(ofLonLat p: Point) -> Point { pixel(ofMetres: projection.forward(p)) }
}
