import GeoCore
import ImageBridge
import Render

/// What a briefing map says around its data: title, subtitle, legend caption, and the names of its areas.
public struct MapText: Sendable {
    public var title: String
    public var subtitle: String?
    public var language: Language
    /// Area names to label, parallel to the labelled layer's polygons (`nil`: no labels).
    public var areaLabels: [String]?
    /// What the legend's numbers are, e.g. "incidents per km²".
    public var legendCaption: String
    /// A legend of named colours (hot-spot bins, patterns) instead of the shading's.
    public var legendEntries: [ClassedLegend.Entry]?
    /// The values are whole numbers (counts, changes of counts): classes are labelled in whole numbers.
    public var wholeNumbers = false

    public init(title: String, subtitle: String? = nil, language: Language = .zh, areaLabels: [String]? = nil,
                legendCaption: String? = nil) {
        self.title = title
        self.subtitle = subtitle
        self.language = language
        self.areaLabels = areaLabels
        self.legendCaption = legendCaption ?? (language == .zh ? "每平方公里事件数" : "incidents per km²")
    }
}

/// Draws labels (of `layer`'s areas), title block, legend, scale bar and north arrow onto a rendered map, so
/// the PNG can go into a briefing as it is.
func decorate(_ map: HeatMap, layer: BoundaryLayer, text mapText: MapText, font: FontFace) -> RGBAImage {
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
    let labelStyle = TextStyle(pixelSize: unit, color: RGBA(40, 40, 40))
    let captionStyle = TextStyle(pixelSize: unit + 1, color: RGBA(20, 20, 20))
    let shading = map.shading.shading
    if let entries = mapText.legendEntries {
        image.place(ClassedLegend(entries: entries, caption: mapText.legendCaption,
                                  swatch: PixelSize(width: unit * 2, height: unit + 2), labelStyle: labelStyle,
                                  captionStyle: captionStyle),
                    in: .bottomRight, text: renderer)
    } else if let classes = shading.classes {
        let colors = shading.colorMap.classColors(count: classes.classCount)
        let bounds = classes.upperBounds
        // The first class starts at the lowest value shown; when nothing falls below its bound (a change map's
        // mirrored classes), it gets the width of the next class.
        let lower = map.lowestValue < bounds[0] || bounds.count < 2 ? min(map.lowestValue, bounds[0])
            : bounds[0] - (bounds[1] - bounds[0])
        let labels = ClassedLegend.rangeLabels(breaks: [lower] + bounds, wholeNumbers: mapText.wholeNumbers)
        image.place(ClassedLegend(entries: zip(colors, labels).map { ClassedLegend.Entry(color: $0, label: $1) },
                                  caption: mapText.legendCaption, swatch: PixelSize(width: unit * 2, height: unit + 2),
                                  labelStyle: labelStyle, captionStyle: captionStyle),
                    in: .bottomRight, text: renderer)
    } else {
        var legend = ColorRampLegend(colorMap: shading.colorMap, scale: shading.scale, top: shading.top,
                                     caption: mapText.legendCaption, barLength: max(120, map.image.height / 4),
                                     barThickness: max(12, unit), labelStyle: labelStyle, captionStyle: captionStyle)
        if shading.scale == .eqHist {
            let fitted = map.shading
            legend.valuePosition = { fitted.position(of: $0) ?? 0 }
        }
        image.place(legend, in: .bottomRight, text: renderer)
    }
    image.place(ScaleBar(pixelSize: map.canvas.pixelSize, maximumPixels: map.image.width / 4,
                         metreUnit: zh ? "米" : "m", kilometreUnit: zh ? "公里" : "km", labelStyle: labelStyle,
                         barHeight: max(6, unit / 2)),
                in: .bottomLeft, text: renderer)
    image.place(NorthArrow(letter: zh ? "北" : "N", arrowHeight: max(36, unit * 3),
                           letterStyle: TextStyle(pixelSize: unit + 1, color: RGBA(30, 30, 30))),
                in: .topRight, text: renderer)
    return image
}
