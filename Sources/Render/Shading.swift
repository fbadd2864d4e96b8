/// Turns a density surface into colours.
public struct Shading: Sendable {
    public var colorMap: ColorMap
    public var scale: ShadingScale
    /// The value shown at the top of the ramp; larger values saturate.
    public var top: Double

    public init(colorMap: ColorMap = .heat, scale: ShadingScale = .sqrt, top: Double) {
        self.colorMap = colorMap
        self.scale = scale
        self.top = top
    }

    /// One pixel per raster cell; zero density is fully transparent so the base map shows.
    public func image(of raster: DensityRaster) -> RGBAImage {
        var image = RGBAImage(width: raster.width, height: raster.height)
        let table = colorMap.table()
        raster.values.withUnsafeBufferPointer { values in
            for row in 0..<raster.height {
                for col in 0..<raster.width {
                    let v = Double(values[row * raster.width + col])
                    guard v > 0 else { continue }
                    let t = scale.position(v, top: top)
                    image.blend(x: col, y: row, table[Int((t * 255).rounded())])
                }
            }
        }
        return image
    }
}
