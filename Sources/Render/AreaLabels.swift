import GeoCore

/// A name to write inside an area (district, subdistrict, grid cell).
public struct AreaLabel: Sendable {
    public var text: String
    /// The area in pixel coordinates: polygons, each an outer ring followed by its holes.
    public var polygons: [[[Point]]]
    /// Where to centre the label, in pixels, if the caller already knows (e.g. GEOS point-on-surface);
    /// otherwise the pole of inaccessibility of the largest polygon is used.
    public var anchor: Point?

    public init(text: String, polygons: [[[Point]]], anchor: Point? = nil) {
        self.text = text
        self.polygons = polygons
        self.anchor = anchor
    }
}

/// A label that was drawn, and the box its text (with halo) covers.
public struct PlacedLabel: Sendable, Equatable {
    public let text: String
    public let anchor: Point
    public let box: PixelRect
}

/// Representative points of polygons for labels.
public enum LabelAnchor {
    /// The point inside the polygon farthest from its edges ("polylabel", Mapbox's algorithm), found to within
    /// `precision` pixels. Unlike the centroid it always lies inside, even for C-shaped or holed areas.
    /// `rings` is the outer ring followed by holes; an empty or degenerate polygon gives its first vertex.
    public static func poleOfInaccessibility(_ rings: [[Point]], precision: Double = 1) -> Point {
        let points = rings.first ?? []
        guard let first = points.first else { return Point(x: 0, y: 0) }
        let xs = points.map(\.x), ys = points.map(\.y)
        guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max() else { return first }
        let cellSize = min(maxX - minX, maxY - minY)
        guard cellSize > 0 else { return first }

        struct Cell {
            let x: Double, y: Double, half: Double, distance: Double
            var potential: Double { distance + half * 2.0.squareRoot() }
        }
        func cell(_ x: Double, _ y: Double, _ half: Double) -> Cell {
            Cell(x: x, y: y, half: half, distance: signedDistance(Point(x: x, y: y), rings))
        }
        var queue = MaxHeap<Cell> { $0.potential > $1.potential }
        var half = cellSize / 2
        var x = minX
        while x < maxX {
            var y = minY
            while y < maxY {
                queue.push(cell(x + half, y + half, half))
                y += cellSize
            }
            x += cellSize
        }
        let centre = centroid(points)
        var best = cell(centre.x, centre.y, 0)
        let boxCentre = cell(minX + (maxX - minX) / 2, minY + (maxY - minY) / 2, 0)
        if boxCentre.distance > best.distance { best = boxCentre }
        var iterations = 0
        while let current = queue.pop(), iterations < 100_000 {
            iterations += 1
            if current.distance > best.distance { best = current }
            guard current.potential - best.distance > precision else { continue }
            half = current.half / 2
            for (dx, dy) in [(-1.0, -1.0), (1, -1), (-1, 1), (1, 1)] {
                queue.push(cell(current.x + dx * half, current.y + dy * half, half))
            }
        }
        return Point(x: best.x, y: best.y)
    }

    /// Distance from `p` to the nearest edge, positive inside (even-odd over all rings), negative outside.
    static func signedDistance(_ p: Point, _ rings: [[Point]]) -> Double {
        var inside = false
        var minSquared = Double.infinity
        for ring in rings where ring.count >= 2 {
            var a = ring[ring.count - 1]
            for b in ring {
                if (a.y > p.y) != (b.y > p.y), p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x { inside.toggle() }
                minSquared = min(minSquared, segmentDistanceSquared(p, a, b))
                a = b
            }
        }
        let d = minSquared.squareRoot()
        return inside ? d : -d
    }

    private static func segmentDistanceSquared(_ p: Point, _ a: Point, _ b: Point) -> Double {
        let dx = b.x - a.x, dy = b.y - a.y
        let lengthSquared = dx * dx + dy * dy
        let t = lengthSquared > 0 ? min(1, max(0, ((p.x - a.x) * dx + (p.y - a.y) * dy) / lengthSquared)) : 0
        let ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y
        return ex * ex + ey * ey
    }

    /// The area centroid of a ring (vertex mean if its area is zero).
    static func centroid(_ ring: [Point]) -> Point {
        var area = 0.0, cx = 0.0, cy = 0.0
        var a = ring[ring.count - 1]
        for b in ring {
            let f = a.x * b.y - b.x * a.y
            area += f
            cx += (a.x + b.x) * f
            cy += (a.y + b.y) * f
            a = b
        }
        guard abs(area) > 1e-12 else {
            return Point(x: ring.map(\.x).reduce(0, +) / Double(ring.count), y: ring.map(\.y).reduce(0, +) / Double(ring.count))
        }
        return Point(x: cx / (3 * area), y: cy / (3 * area))
    }

    /// Absolute area of a ring (shoelace), to pick a multipolygon's largest part.
    static func area(_ ring: [Point]) -> Double {
        guard ring.count >= 3 else { return 0 }
        var sum = 0.0
        var a = ring[ring.count - 1]
        for b in ring {
            sum += a.x * b.y - b.x * a.y
            a = b
        }
        return abs(sum) / 2
    }
}

/// A binary max-heap by a caller's ordering (polylabel visits the most promising cell first).
struct MaxHeap<Element> {
    private var items: [Element] = []
    private let isHigher: (Element, Element) -> Bool

    init(isHigher: @escaping (Element, Element) -> Bool) { self.isHigher = isHigher }

    mutating func push(_ element: Element) {
        items.append(element)
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            guard isHigher(items[i], items[parent]) else { break }
            items.swapAt(i, parent)
            i = parent
        }
    }

    mutating func pop() -> Element? {
        guard !items.isEmpty else { return nil }
        items.swapAt(0, items.count - 1)
        let top = items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count && isHigher(items[l], items[m]) { m = l }
            if r < items.count && isHigher(items[r], items[m]) { m = r }
            guard m != i else { break }
            items.swapAt(i, m)
            i = m
        }
        return top
    }
}

extension RGBAImage {
    /// Writes each label centred on its anchor, in the given order (put the most important first), skipping any
    /// whose box would overlap an earlier label (plus `spacing` pixels) or leave the image. Returns those drawn.
    @discardableResult
    public mutating func drawLabels(_ labels: [AreaLabel], style: TextStyle, renderer: TextRenderer,
                                    spacing: Int = 2) -> [PlacedLabel] {
        var placed: [PlacedLabel] = []
        let bounds = PixelRect(x: 0, y: 0, width: width, height: height)
        for label in labels where !label.text.isEmpty {
            guard let anchor = label.anchor ?? Self.anchor(of: label.polygons) else { continue }
            let bitmap = renderer.bitmap(label.text, pixelSize: style.pixelSize)
            let extent = bitmap.extent
            // Centre the text's extent (ascent to descent) on the anchor.
            let baseline = Point(x: anchor.x, y: anchor.y - extent.height / 2 + extent.ascent)
            let pad = style.halo == nil ? 0 : Int(style.haloRadius.rounded(.up))
            let penX = Int((baseline.x - extent.width / 2).rounded()), baseY = Int(baseline.y.rounded())
            let box = PixelRect(x: penX - pad, y: baseY - Int(extent.ascent.rounded(.up)) - pad,
                                width: Int(extent.width.rounded(.up)) + 2 * pad,
                                height: Int(extent.height.rounded(.up)) + 2 * pad)
            guard bounds.contains(box), !placed.contains(where: { $0.box.expanded(by: spacing).intersects(box) }) else {
                continue
            }
            draw(bitmap, at: baseline, alignment: .center, style: style)
            placed.append(PlacedLabel(text: label.text, anchor: anchor, box: box))
        }
        return placed
    }

    static func anchor(of polygons: [[[Point]]]) -> Point? {
        guard let largest = polygons.filter({ !($0.first ?? []).isEmpty })
            .max(by: { LabelAnchor.area($0[0]) < LabelAnchor.area($1[0]) }) else { return nil }
        return LabelAnchor.poleOfInaccessibility(largest)
    }
}
