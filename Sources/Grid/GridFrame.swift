import Foundation
import GeoCore
import Projection

/// The shape of generated cells.
public enum CellShape: String, Sendable, CaseIterable {
    /// Axis-aligned squares in the projection; the size is the side.
    case square
    /// Pointy-top regular hexagons in the projection; the size is the distance between the centres of two
    /// neighbours in a row (the flat-to-flat width), so a 300 m hexagon has sides of 300/√3 ≈ 173.2 m.
    case hexagon
}

/// Where a layer's cells lie in the projection, and how they are numbered.
///
/// **Squares.** Column `c` spans `[originX + c·size, originX + (c+1)·size)` and row `r` spans
/// `(topY − (r+1)·size, topY − r·size]`: rows count north to south from `topY`, columns west to east from
/// `originX`. Both are multiples of the size (`originX = floor(minX/size)·size`,
/// `topY = ceil(maxY/size)·size` over the whole layer's projected extent), so the same lattice comes out for
/// every layer and week, and a cell's number only depends on the layer's top-left lattice corner.
///
/// **Hexagons** (pointy-top, "odd-r" offset coordinates). With `w` = size and `R = w/√3` (circumradius), row
/// `r` has its centres at `y = topCentreY − r·1.5R` and column `c` at `x = originX + c·w`, shifted east by `w/2`
/// on odd rows. `originX` is a multiple of `w`; `topCentreY` is a multiple of two row spacings (`3R`), so the
/// odd rows are the same rows of the global lattice for every layer. Ids are `ADCODE-HRRR-CCC`.
public struct GridFrame: Sendable, Hashable {
    public let projection: TransverseMercator
    public let shape: CellShape
    /// Metres: the square's side or the hexagon's flat-to-flat width.
    public let cellSize: Double
    /// West edge of column 0 (squares), or the centre of column 0 in even rows (hexagons).
    public let originX: Double
    /// North edge of row 0 (squares), or the centre of row 0 (hexagons).
    public let topY: Double

    /// The frame for a layer whose projected extent is `extent`.
    public init(projection: TransverseMercator, shape: CellShape, cellSize: Double, extent: BoundingBox) {
        self.projection = projection
        self.shape = shape
        self.cellSize = cellSize
        originX = (extent.minX / cellSize).rounded(.down) * cellSize
        switch shape {
        case .square:
            var top = (extent.maxY / cellSize).rounded(.up) * cellSize
            if top <= extent.minY { top += cellSize }  // a layer with no height still needs one row
            topY = top
        case .hexagon:
            let pair = 2 * GridFrame.rowSpacing(cellSize)
            topY = (extent.maxY / pair).rounded(.up) * pair
        }
    }

    /// Area in square metres of a whole (unclipped) cell.
    public var fullCellArea: Double {
        switch shape {
        case .square: cellSize * cellSize
        case .hexagon: cellSize * cellSize * 3.0.squareRoot() / 2
        }
    }

    /// Circumradius of a hexagon of flat-to-flat width `size`.
    static func circumradius(_ size: Double) -> Double { size / 3.0.squareRoot() }
    /// Distance between hexagon rows.
    static func rowSpacing(_ size: Double) -> Double { 1.5 * circumradius(size) }

    /// The cell id: `PARENT-RRR-CCC` for squares, `PARENT-HRRR-CCC` for hexagons, numbers zero-padded to at
    /// least three digits.
    public func cellId(parent: String, row: Int, col: Int) -> String {
        let prefix = shape == .hexagon ? "H" : ""
        return "\(parent)-\(prefix)\(Self.padded(row))-\(Self.padded(col))"
    }

    private static func padded(_ n: Int) -> String {
        let digits = String(n)
        return digits.count >= 3 ? digits : String(repeating: "0", count: 3 - digits.count) + digits
    }

    /// The row and column of the cell holding projected point `p`; may be negative or beyond the layer for
    /// points outside it.
    ///
    /// Squares: pure arithmetic on the half-open spans above, so a point on the line between two columns
    /// belongs to the eastern one and a point on the line between two rows to the northern one (the row whose
    /// top edge it is on). Hexagons: the cell with the nearest centre; at an equal distance the northern row,
    /// then the western column, wins.
    public func cellIndex(ofProjected p: Point) -> (row: Int, col: Int) {
        switch shape {
        case .square:
            let col = ((p.x - originX) / cellSize).rounded(.down)
            let row = ((topY - p.y) / cellSize).rounded(.down)
            return (Self.clampedInt(row), Self.clampedInt(col))
        case .hexagon:
            let spacing = Self.rowSpacing(cellSize)
            let approximateRow = Self.clampedInt(((topY - p.y) / spacing).rounded())
            var best = (row: 0, col: 0), bestDistance = Double.infinity
            for row in (approximateRow - 1)...(approximateRow + 1) {
                let shift = row & 1 == 1 ? cellSize / 2 : 0
                let approximateCol = Self.clampedInt(((p.x - originX - shift) / cellSize).rounded())
                for col in (approximateCol - 1)...(approximateCol + 1) {
                    let centre = hexagonCentre(row: row, col: col)
                    let d = (centre.x - p.x) * (centre.x - p.x) + (centre.y - p.y) * (centre.y - p.y)
                    if d < bestDistance { bestDistance = d; best = (row, col) }
                }
            }
            return best
        }
    }

    /// Keeps absurd coordinates (far outside any layer, or NaN) from trapping in the Int conversion.
    private static func clampedInt(_ value: Double) -> Int {
        guard value.isFinite else { return Int.min / 4 }
        return Int(max(-1e15, min(1e15, value)))
    }

    /// The centre of hexagon (`row`, `col`).
    func hexagonCentre(row: Int, col: Int) -> Point {
        let shift = row & 1 == 1 ? cellSize / 2 : 0
        return Point(x: originX + Double(col) * cellSize + shift, y: topY - Double(row) * Self.rowSpacing(cellSize))
    }

    /// The whole cell (`row`, `col`) in projected metres, exterior counter-clockwise.
    ///
    /// Vertex coordinates come from one formula per lattice line (`originX + k·step`, `top − k·step`), so two
    /// neighbours share bit-identical vertices and a tiling has neither slivers nor overlaps.
    public func cellPolygon(row: Int, col: Int) -> Polygon {
        switch shape {
        case .square:
            let west = originX + Double(col) * cellSize, east = originX + Double(col + 1) * cellSize
            let north = topY - Double(row) * cellSize, south = topY - Double(row + 1) * cellSize
            return Polygon(exterior: Ring([
                Point(x: west, y: south), Point(x: east, y: south), Point(x: east, y: north),
                Point(x: west, y: north), Point(x: west, y: south),
            ]))
        case .hexagon:
            let half = cellSize / 2, radius = Self.circumradius(cellSize)
            // Horizontal lines every w/2 from originX, vertical levels every R/2 from the top point of row 0.
            let k = 2 * col + (row & 1)  // centre's horizontal line
            func x(_ line: Int) -> Double { originX + Double(line) * half }
            let base = topY + radius, step = radius / 2
            func y(_ level: Int) -> Double { base - Double(level) * step }
            let top = 3 * row  // levels: top point 3r, upper sides 3r+1, lower sides 3r+3, bottom point 3r+4
            return Polygon(exterior: Ring([
                Point(x: x(k), y: y(top + 4)), Point(x: x(k + 1), y: y(top + 3)), Point(x: x(k + 1), y: y(top + 1)),
                Point(x: x(k), y: y(top)), Point(x: x(k - 1), y: y(top + 1)), Point(x: x(k - 1), y: y(top + 3)),
                Point(x: x(k), y: y(top + 4)),
            ]))
        }
    }

    /// The rows and columns whose cells can meet the projected box `box` (conservative; may be empty).
    func candidateRange(for box: BoundingBox) -> (rows: ClosedRange<Int>, cols: ClosedRange<Int>)? {
        guard !box.isEmpty else { return nil }
        let rowLow: Double, rowHigh: Double, colLow: Double, colHigh: Double
        switch shape {
        case .square:
            rowLow = ((topY - box.maxY) / cellSize).rounded(.down)
            rowHigh = ((topY - box.minY) / cellSize).rounded(.down)
            colLow = ((box.minX - originX) / cellSize).rounded(.down)
            colHigh = ((box.maxX - originX) / cellSize).rounded(.down)
        case .hexagon:
            let spacing = Self.rowSpacing(cellSize), radius = Self.circumradius(cellSize)
            rowLow = ((topY - box.maxY - radius) / spacing).rounded(.up)
            rowHigh = ((topY - box.minY + radius) / spacing).rounded(.down)
            colLow = ((box.minX - originX) / cellSize).rounded(.down) - 1
            colHigh = ((box.maxX - originX) / cellSize).rounded(.up)
        }
        let rows = (max(0, Int(rowLow)), Int(rowHigh)), cols = (max(0, Int(colLow)), Int(colHigh))
        guard rows.0 <= rows.1, cols.0 <= cols.1 else { return nil }
        return (rows.0...rows.1, cols.0...cols.1)
    }
}
