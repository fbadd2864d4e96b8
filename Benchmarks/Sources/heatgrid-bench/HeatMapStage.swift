// The heat-map stage: project, kernel density, shade and PNG-encode the workload's incidents on a 2048 × 2048
// canvas, checked against the per-point formula and the PNG decoded back.
import Foundation
import HeatGridKit

/// A square canvas `pixels` wide over the layer's extent in metres (UTM), so the raster is pixels × pixels like
/// the peers' datashader canvas.
func squareCanvas(over lonLat: BoundingBox, pixels: Int) -> MapCanvas {
    let fitted = MapCanvas(lonLatExtent: lonLat, width: pixels, margin: 0)
    let side = max(fitted.extent.width, fitted.extent.height), c = fitted.extent.center
    return MapCanvas(extent: BoundingBox(minX: c.x - side / 2, minY: c.y - side / 2, maxX: c.x + side / 2,
                                         maxY: c.y + side / 2),
                     width: pixels, projection: fitted.projection)
}

struct HeatMapResult {
    var density: DensityRaster
    var rgba: [UInt8]
    var png: [UInt8]
    var x: [Double], y: [Double]
}

/// The whole heat map as `heatgrid heatmap` will make it, minus file writing.
func renderHeatMap(longitude: [Double], latitude: [Double], canvas: MapCanvas, radius: Double,
                   threads: Int) throws -> HeatMapResult {
    // Metres through a lattice over the canvas (and the radius around it), interpolated: within 2 cm of the series.
    let (x, y) = ProjectionLattice(covering: canvas, margin: radius)
        .forward(longitude: longitude, latitude: latitude, threads: threads)
    let density = KernelDensity.estimate(x: x, y: y, on: canvas, radius: radius, kernel: .quartic, threads: threads)
    let rgba = Shading(colorMap: .heat, scale: .sqrt, top: Double(density.maximum)).rgba(of: density, threads: threads)
    let png = try PNGEncoder.encode(rgba: rgba, width: canvas.width, height: canvas.height, compression: .fast,
                                    threads: threads)
    return HeatMapResult(density: density, rgba: rgba, png: png, x: x, y: y)
}

struct HeatMapStage {
    var rows: [Row] = []
    var lines: [String] = []
    var wrong: [String] = []
}

func heatMapStage(longitude: [Double], latitude: [Double], cellsExtent: BoundingBox, peers: [String: Any],
                  repeats: Int) throws -> HeatMapStage {
    var stage = HeatMapStage()
    let canvas = squareCanvas(over: cellsExtent, pixels: 2048)
    let radius = 1_000.0
    let whole = try median(max(repeats, 7), spanning: 1) {
        try renderHeatMap(longitude: longitude, latitude: latitude, canvas: canvas, radius: radius, threads: 2)
    }
    let wholeOne = try median(repeats) {
        try renderHeatMap(longitude: longitude, latitude: latitude, canvas: canvas, radius: radius, threads: 1)
    }
    let result = whole.result
    // Each step alone, for the breakdown.
    let projection = median(repeats) {
        ProjectionLattice(covering: canvas, margin: radius).forward(longitude: longitude, latitude: latitude, threads: 2)
    }
    let kde = median(repeats) {
        KernelDensity.estimate(x: result.x, y: result.y, on: canvas, radius: radius, kernel: .quartic, threads: 2)
    }
    let shading = Shading(colorMap: .heat, scale: .sqrt, top: Double(result.density.maximum))
    let shade = median(repeats) { shading.rgba(of: result.density, threads: 2) }
    let encode = try median(repeats) {
        try PNGEncoder.encode(rgba: result.rgba, width: canvas.width, height: canvas.height, compression: .fast,
                              threads: 2)
    }
    let encodeOne = try median(repeats) {
        try PNGEncoder.encode(rgba: result.rgba, width: canvas.width, height: canvas.height, compression: .fast,
                              threads: 1)
    }
    let encodeStandard = try median(repeats) {
        try PNGEncoder.encode(rgba: result.rgba, width: canvas.width, height: canvas.height, compression: .standard)
    }

    // Each step on one thread, fastest of 7: the work itself, least disturbed by other load on the machine.
    func fastest<T>(_ body: () throws -> T) rethrows -> Double {
        var best = Double.infinity
        for _ in 0..<7 {
            let start = now()
            _ = try body()
            best = min(best, now() - start)
        }
        return best
    }
    let oneThreadSteps = try [
        fastest { ProjectionLattice(covering: canvas, margin: radius).forward(longitude: longitude, latitude: latitude,
                                                                            threads: 1) },
        fastest { KernelDensity.estimate(x: result.x, y: result.y, on: canvas, radius: radius, kernel: .quartic,
                                         threads: 1) },
        fastest { shading.rgba(of: result.density, threads: 1) },
        fastest { try PNGEncoder.encode(rgba: result.rgba, width: canvas.width, height: canvas.height,
                                        compression: .fast, threads: 1) },
    ]

    // A fast wrong answer fails: projection, mass, every pixel against the per-point sum, the PNG's pixels,
    // thread count.
    var projectionError = 0.0
    for i in Swift.stride(from: 0, to: longitude.count, by: 97) {
        let p = canvas.projection.forward(Point(x: longitude[i], y: latitude[i]))
        projectionError = max(projectionError, abs(p.x - result.x[i]), abs(p.y - result.y[i]))
    }
    if !(projectionError < 0.02) { stage.wrong.append("heat map: projection off by \(projectionError) m") }
    var inside = 0
    for i in result.x.indices {
        let p = canvas.pixel(ofMetres: Point(x: result.x[i], y: result.y[i]))
        if p.x >= 0, p.y >= 0, p.x < Double(canvas.width), p.y < Double(canvas.height) { inside += 1 }
    }
    let mass = result.density.totalMass(pixelSize: canvas.pixelSize)
    if abs(mass - Double(inside)) > 0.01 * Double(inside) {
        stage.wrong.append("heat map: density mass \(mass) vs \(inside) incidents inside the canvas")
    }
    let exactStart = now()
    let exact = KernelDensity.estimate(x: result.x, y: result.y, on: canvas, radius: radius, kernel: .quartic,
                                       method: .exact, threads: 2)
    let exactSeconds = now() - exactStart
    let top = Double(exact.maximum)
    var worst = 0.0
    for (a, b) in zip(result.density.values, exact.values) { worst = max(worst, abs(Double(a) - Double(b))) }
    // The automatic method bins 1,000,000 points (KernelDensity.Method.binned): held to 1 % of the maximum.
    if !(worst <= 0.01 * top) {
        stage.wrong.append("heat map: density differs from the per-point sum by \(worst / top) of the maximum")
    }
    if wholeOne.result.density.values != result.density.values || wholeOne.result.png != result.png {
        stage.wrong.append("heat map: 1 and 2 threads disagree")
    }
    let decoded = try PNGDecoder.decode(bytes: result.png)
    if decoded.width != canvas.width || decoded.height != canvas.height || decoded.rgba != result.rgba {
        stage.wrong.append("heat map: the PNG does not decode to the shaded pixels")
    }

    func peer(_ key: String) -> Double { peers[key] as? Double ?? .nan }
    stage.rows = [
        Row(stage: "heat map 2048² KDE r=1 km + shade + PNG (2 threads)", heatgrid: whole.seconds,
            peerName: "datashader count + Gaussian blur σ8 + Pillow PNG", peer: peer("render_pipeline"), target: 3),
        Row(stage: "heat map, 1 thread", heatgrid: wholeOne.seconds,
            peerName: "datashader count + Gaussian blur σ8 + Pillow PNG", peer: peer("render_pipeline"), target: 0),
        Row(stage: "  kernel density alone (2 threads)", heatgrid: kde.seconds,
            peerName: "datashader count + Gaussian blur σ8",
            peer: peer("datashader_count_2048") + peer("gaussian_blur_sigma8"), target: 0),
        Row(stage: "  PNG encode alone (fast, 2 threads)", heatgrid: encode.seconds, peerName: "Pillow PNG encode",
            peer: peer("pillow_png_encode"), target: 0),
        Row(stage: "  PNG encode alone (fast, 1 thread)", heatgrid: encodeOne.seconds, peerName: "Pillow PNG encode",
            peer: peer("pillow_png_encode"), target: 0),
    ]
    stage.lines.append(String(
        format: "heat map: %d×%d px of %.1f m, r = %.0f m (%.1f px); projection %.1f ms, KDE %.1f ms, shade %.1f ms, "
            + "PNG %.1f ms (%d bytes; libpng standard %.1f ms, %d bytes); Pillow %d bytes",
        canvas.width, canvas.height, canvas.pixelSize, radius, radius / canvas.pixelSize, projection.seconds * 1e3,
        kde.seconds * 1e3, shade.seconds * 1e3, encode.seconds * 1e3, result.png.count, encodeStandard.seconds * 1e3,
        encodeStandard.result.count,
        peers["pillow_png_bytes"] as? Int ?? 0))
    stage.lines.append(String(
        format: "heat map, 1 thread, fastest of 7: projection %.1f ms, KDE %.1f ms, shade %.1f ms, PNG %.1f ms "
            + "(sum %.1f ms)", oneThreadSteps[0] * 1e3, oneThreadSteps[1] * 1e3, oneThreadSteps[2] * 1e3,
        oneThreadSteps[3] * 1e3, oneThreadSteps.reduce(0, +) * 1e3))
    stage.lines.append(String(
        format: "heat map check: projection within %.4f m of the series; mass %.1f vs %d incidents inside the canvas (%.3f%%); binned vs per-point sum "
            + "(%.2f s): max error %.2e of the maximum %.1f per km²; datashader counted %d",
        projectionError, mass, inside, 100 * (mass - Double(inside)) / Double(inside), exactSeconds, worst / top, top,
        peers["render_points_counted"] as? Int ?? 0))
    return stage
}
