// The robust orientation predicate behind every edge-crossing decision.
//
// orient2d(a, b, c) = (a.x - c.x)(b.y - c.y) - (a.y - c.y)(b.x - c.x), positive when a, b, c turn
// counter-clockwise. A floating-point filter with Shewchuk's proven bound decides almost every call; when it
// cannot, the determinant is evaluated exactly with error-free transformations (TwoDiff, TwoProduct by FMA,
// TwoSum growth of a nonoverlapping expansion), so the sign is always the sign of the exact real value.
// Coordinates are assumed not to underflow (lon/lat degrees or projected metres).

/// Shewchuk's ccwerrboundA = (3 + 16ε)ε with ε = 2⁻⁵³.
@usableFromInline
let orientErrorBound: Double = (3.0 + 16.0 * 0x1p-53) * 0x1p-53

/// The sign (-1, 0, +1) of orient2d(a, b, c), exactly.
@inlinable @inline(__always)
func orientationSign(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double,
                     _ cx: Double, _ cy: Double) -> Int {
    let detLeft = (ax - cx) * (by - cy)
    let detRight = (ay - cy) * (bx - cx)
    let det = detLeft - detRight
    let bound = orientErrorBound * (abs(detLeft) + abs(detRight))
    if det > bound { return 1 }
    if -det > bound { return -1 }
    // Both products are exactly zero only when a factor is: c shares a coordinate with a or b in a way
    // that makes the exact determinant zero too (the common case of c at a vertex).
    if detLeft == 0 && detRight == 0 { return 0 }
    return exactOrientationSign(ax, ay, bx, by, cx, cy)
}

/// Exact sign of orient2d by expansion arithmetic; only reached when the filter cannot decide.
@usableFromInline @inline(never)
func exactOrientationSign(_ ax: Double, _ ay: Double, _ bx: Double, _ by: Double,
                          _ cx: Double, _ cy: Double) -> Int {
    // Each difference is an exact two-term value (hi + lo); the determinant is then a sum of 16 exact products.
    let (p, pl) = twoDiff(ax, cx)   // a.x - c.x
    let (q, ql) = twoDiff(by, cy)   // b.y - c.y
    let (r, rl) = twoDiff(ay, cy)   // a.y - c.y
    let (s, sl) = twoDiff(bx, cx)   // b.x - c.x
    var expansion = Expansion16()
    expansion.addProduct(p, q); expansion.addProduct(p, ql); expansion.addProduct(pl, q); expansion.addProduct(pl, ql)
    expansion.addProduct(-r, s); expansion.addProduct(-r, sl); expansion.addProduct(-rl, s); expansion.addProduct(-rl, sl)
    return expansion.sign
}

@inlinable @inline(__always)
func twoSum(_ a: Double, _ b: Double) -> (Double, Double) {
    let s = a + b
    let bv = s - a
    let av = s - bv
    return (s, (a - av) + (b - bv))
}

@inlinable @inline(__always)
func twoDiff(_ a: Double, _ b: Double) -> (Double, Double) {
    let d = a - b
    let bv = a - d
    let av = d + bv
    return (d, (a - av) + (bv - b))
}

@inlinable @inline(__always)
func twoProduct(_ a: Double, _ b: Double) -> (Double, Double) {
    let p = a * b
    return (p, (-p).addingProduct(a, b))   // FMA: a·b − p with one rounding, exact
}

/// A nonoverlapping floating-point expansion of up to 16 components, held inline (no heap allocation).
@usableFromInline
struct Expansion16 {
    @usableFromInline var terms: (Double, Double, Double, Double, Double, Double, Double, Double,
                                  Double, Double, Double, Double, Double, Double, Double, Double)
        = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    @usableFromInline var count = 0

    @usableFromInline init() {}

    /// Adds the exact product a·b (two components).
    @usableFromInline mutating func addProduct(_ a: Double, _ b: Double) {
        let (hi, lo) = twoProduct(a, b)
        add(lo)
        add(hi)
    }

    /// Shewchuk's Grow-Expansion: adds one double exactly, keeping components nonoverlapping and increasing.
    @usableFromInline mutating func add(_ value: Double) {
        if value == 0 { return }
        var q = value
        withUnsafeMutableBytes(of: &terms) { raw in
            let e = raw.bindMemory(to: Double.self)
            var kept = 0
            for i in 0..<count {
                let (sum, err) = twoSum(q, e[i])
                q = sum
                if err != 0 { e[kept] = err; kept += 1 }   // zero elimination keeps the expansion short
            }
            e[kept] = q
            count = kept + 1
        }
    }

    /// The sign of the exact sum: the sign of its largest (last nonzero) component.
    @usableFromInline var sign: Int {
        var terms = self.terms
        return withUnsafeBytes(of: &terms) { raw in
            let e = raw.bindMemory(to: Double.self)
            var i = count - 1
            while i >= 0 {
                if e[i] > 0 { return 1 }
                if e[i] < 0 { return -1 }
                i -= 1
            }
            return 0
        }
    }
}
