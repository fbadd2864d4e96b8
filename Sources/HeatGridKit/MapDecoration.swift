import GeoCore
import ImageBridge
import Render

/// What a briefing map says around its data: title, subtitle, legend caption, and the names of its areas.
public struct MapText: Sendable {
    public var title: String
    public var subtitle: String?
    public var language: Language
    /// Area names to label, parallel to the layer's polygons (`nil`: no labels).
    public var areaLabels: [String]?

    public init(title: String, subtitle: String? = nil, language: Language = .zh, areaLabels: [String]? = nil) {
        self.title = title
        self.subtitle = subtitle
        self.language = language
        self.areaLabels = areaLabels
    }
}

/// Draws labels, title block, density legend, scale bar and north arrow onto a rendered heat map, so the PNG
/// can go into a briefing as it is.
func decorate(_ map: HeatMap, layer: BoundaryLayer, text mapText: MapText, style: HeatMapStyle,
              font: FontFace) -> RGBAImage {
    let renderer = TextRenderer(font: font)
    let zh = mapText.language == .zh
    // Sizes follow the image width so a 4,000 px map is as legible as a 1,600 px one.
    let unit = max(10, map.image.width / 110)
    var image = map.image
    if let names = mapText.areaLabels {
        let labels = zip(names, layer.polygons).map { name, multi in
            AreaLabel(text: name, polygons: multi.polygons.map { $0.rings.map { $0.points.map(map.canvas.pixel(ofLonLat:)) } })
        }
        image.drawLabels(labels, style: TextStyle(pixelSize: unit + 1, color: RGBA(25, 25, 30),
                                                  halo: RGBA(255, 255, 255, 230), haloRadius: 2),
                         renderer: renderer)
    }
    image.place(TitleBlock(title: mapText.title, subtitle: mapText.subtitle,
                           titleStyle: TextStyle(pixelSize: unit * 2, color: RGBA(20, 20, 20)),
                           subtitleStyle: TextStyle(pixelSize: unit + 1, color: RGBA(60, 60, 60))),
                in: .topLeft, text: renderer)
    image.place(ColorRampLegend(colorMap: style.colorMap, scale: style.scale, top: map.top,
                                caption: zh ? "每平方公里事件数" : "incidents per km²",
                                barLength: max(120, map.image.height / 4), barThickness: max(12, unit),
                                labelStyle: TextStyle(pixelSize: unit, color: RGBA(40, 40, 40)),
                                captionStyle: TextStyle(pixelSize: unit + 1, color: RGBA(20, 20, 20))),
                in: .bottomRight, text: renderer)
    image.place(ScaleBar(canvas: map.canvas, metreUnit: zh ? "米" : "m", kilometreUnit: zh ? "公里" : "km"),
                in: .bottomLeft, text: renderer)
    image.place(NorthArrow(letter: zh ? "北" : "N"), in: .topRight, text: renderer)
    return image
}
