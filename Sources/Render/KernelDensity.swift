import Dispatch
import GeoCore

/// Kernel shapes as ArcGIS and QGIS define them; each integrates to 1 over the disk of radius r.
public enum Kernel: String, Sendable, CaseIterable {
    case quartic, epanechnikov, triweight, uniform, triangular

    /// The kernel's value per square metre at squared relative distance `u2` = (d/r)², for radius r in metres.
    @inlinable
    public func value(u2: Double, radius: Double) -> Double {
        guard u2 < 1 else { return 0 }
        let area = Double.pi * radius * radius
        let v = 1 - u2
        switch self {
        case .quartic: return 3 / area * v * v
        case .epanechnikov: return 2 / area * v
        case .triweight: return 4 / area * v * v * v
        case .uniform: return 1 / area
        case .triangular: return 3 / area * (1 - u2.squareRoot())
        }
    }
}

/// A density surface on a canvas: one value per pixel, row-major, top row first, in incidents per km².
public struct DensityRaster: Sendable {
    public let width: Int
    public let height: Int
    public var values: [Float]

    public init(width: Int, height: Int, values: [Float]) {
        precondition(values.count == width * height, "one value per pixel")
        self.width = width
        self.height = height
        self.values = values
    }

    public subscript(col: Int, row: Int) -> Float { values[row * width + col] }

    /// The largest value, 0 for an empty surface.
    public var maximum: Float { values.max() ?? 0 }

    /// The value below which a share `q` (0...1) of the positive pixels lie; 0 if none is positive.
    public func positiveQuantile(_ q: Double) -> Float {
        var positive = values.filter { $0 > 0 }
        guard !positive.isEmpty else { return 0 }
        let k = min(positive.count - 1, max(0, Int((Double(positive.count - 1) * q).rounded())))
        // Partial selection would do; a full sort of at most a few million floats is fast enough here.
        positive.sort()
        return positive[k]
    }
}

/// Kernel density estimation: D(p) = Σᵢ wᵢ · K(dᵢ / r), evaluated at every pixel centre.
public enum KernelDensity {
    /// Sums every point's kernel into the pixels whose centres lie within `radius` metres of it — the exact
    /// formula, no binning. Points are in the canvas' projected metres; `weights` (if given) has one entry per point.
    /// Work is split into at most `threads` chunks of points with private accumulators added in chunk order, so
    /// for a given thread count the result never depends on scheduling.
    public static func estimate(
        x: [Double], y: [Double], weights: [Float]? = nil,
        on canvas: MapCanvas, radius: Double, kernel: Kernel = .quartic, threads: Int = 2
    ) -> DensityRaster {
        precondition(x.count == y.count && (weights?.count ?? x.count) == x.count, "one weight per point")
        precondition(radius > 0, "radius must be positive")
        let width = canvas.width, height = canvas.height
        let pixelSize = canvas.pixelSize
        let radiusInPixels = radius / pixelSize
        let pixelToU2 = pixelSize * pixelSize / (radius * radius)
        let chunkCount = max(1, min(threads, x.count / 10_000 + 1))
        var partials = [[Double]](repeating: [], count: chunkCount)

        partials.withUnsafeMutableBufferPointer { partialSlots in
            let slots = UnsafeSendable(partialSlots)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                var grid = [Double](repeating: 0, count: width * height)
                let lower = x.count * chunk / chunkCount, upper = x.count * (chunk + 1) / chunkCount
                grid.withUnsafeMutableBufferPointer { g in
                    for i in lower..<upper {
                        let p = canvas.pixel(ofMetres: Point(x: x[i], y: y[i]))
                        guard p.isFinite else { continue }
                        let w = Double(weights?[i] ?? 1)
                        // Pixel centres sit at (col + 0.5, row + 0.5).
                        let rowLow = max(0, Int((p.y - 0.5 - radiusInPixels).rounded(.up)))
                        let rowHigh = min(height - 1, Int((p.y - 0.5 + radiusInPixels).rounded(.down)))
                        guard rowLow <= rowHigh else { continue }
                        for row in rowLow...rowHigh {
                            let dy = Double(row) + 0.5 - p.y
                            let halfSpan = (radiusInPixels * radiusInPixels - dy * dy).squareRoot()
                            let colLow = max(0, Int((p.x - 0.5 - halfSpan).rounded(.up)))
                            let colHigh = min(width - 1, Int((p.x - 0.5 + halfSpan).rounded(.down)))
                            guard colLow <= colHigh else { continue }
                            let base = row * width
                            for col in colLow...colHigh {
                                let dx = Double(col) + 0.5 - p.x
                                let u2 = (dx * dx + dy * dy) * pixelToU2
                                g[base + col] += w * kernel.value(u2: u2, radius: radius)
                            }
                        }
                    }
                }
                slots.value[chunk] = grid
            }
        }

        var values = [Float](repeating: 0, count: width * height)
        for i in 0..<values.count {
            var sum = 0.0
            for partial in partials { sum += partial[i] }
            values[i] = Float(sum * 1e6)  // per m² → per km²
        }
        return DensityRaster(width: width, height: height, values: values)
    }
}

/// Lets disjoint slots of one buffer be written from `concurrentPerform` workers.
struct UnsafeSendable<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
