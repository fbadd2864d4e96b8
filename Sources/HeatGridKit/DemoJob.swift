import Foundation
import GeoCore
import GeoJSON
import Incidents
import ImageBridge
import Render
import SpatialIndex

/// `heatgrid demo`: the whole pipeline on the shipped Jiaxing districts and seeded sample incidents.
public struct DemoJob: Sendable {
    public var boundariesPath = "geodata/jiaxing.geojson"
    public var level: String? = "district"
    public var idField: String? = "adcode"
    public var outputFolder = "output/demo"
    public var incidentCount = 200_000
    public var seed: UInt64 = 20_260_105
    public var style = HeatMapStyle()
    public var threads = 2
    public var validation = LayerValidation.reject
    /// Language of the map's title, legend and scale bar.
    public var language = Language.zh
    /// A TrueType/OpenType font with Chinese glyphs; `nil` looks in the usual Debian places.
    public var fontPath: String?

    public init() {}

    /// What the demo computed and wrote.
    public struct Report: Sendable {
        public let layer: BoundaryLayer
        public let categoryNames: [String]
        /// `counts[area][category]`.
        public let counts: [[Int]]
        public let outside: Int
        public let total: Int
        public let files: [String]
        public let timings: Timings
        /// Density at the top of the heat map's colour ramp, incidents per km².
        public let densityTop: Double
    }

    /// Runs every stage, then writes all files; nothing is written if any stage fails.
    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        var timings = Timings()
        let font: FontFace
        do { font = try FontFace.cjk(path: fontPath) } catch { throw HeatGridError("\(error)") }
        progress("reading \(boundariesPath)")
        let layer = try timings.measure("parse_cells") {
            try BoundaryLayer.load(path: boundariesPath, level: level, idField: idField, validation: validation,
                                   threads: threads)
        }
        progress("indexing \(layer.count) areas")
        let index = try timings.measure("index") { try PolygonIndex(layer: layer.polygons) }

        progress("generating \(incidentCount) sample incidents (seed \(seed))")
        let incidents = timings.measure("generate") {
            SampleIncidents.generate(count: incidentCount, seed: seed, extent: layer.boundingBox) {
                index.locate($0) >= 0
            }
        }
        progress("assigning incidents to areas")
        let assignment = timings.measure("assign") {
            index.assign(x: incidents.longitude, y: incidents.latitude, threads: threads)
        }
        let (counts, outside) = timings.measure("aggregate") {
            Self.count(assignment, categories: incidents.category, areaCount: layer.count,
                       categoryCount: incidents.categoryNames.count)
        }

        progress("rendering a \(style.width) px kernel-density map")
        let map = try renderHeatMap(layer: layer, longitude: incidents.longitude, latitude: incidents.latitude,
                                    weights: incidents.weight, style: style, threads: threads, timings: &timings)
        let image = timings.measure("decorate") {
            var text = mapText(incidents)
            text.areaLabels = layer.names
            return decorate(map, layer: layer, text: text, font: font)
        }
        let png = try timings.measure("encode") {
            try PNGEncoder.encode(rgba: image.pixels, width: image.width, height: image.height, compression: .fast,
                                  threads: threads)
        }

        progress("writing \(outputFolder)/")
        let folder = outputFolder.hasSuffix("/") ? String(outputFolder.dropLast()) : outputFolder
        let files = [folder + "/heatmap.png", folder + "/districts.geojson", folder + "/incidents.csv",
                     folder + "/counts.csv"]
        try timings.measure("write") {
            try IncidentCSVWriter.write(incidents, to: files[2])
            try writeCountsCSV(layer: layer, categoryNames: incidents.categoryNames, counts: counts, to: files[3])
            try writeCountsGeoJSON(layer: layer, categoryNames: incidents.categoryNames, counts: counts, to: files[1])
            try writeAtomically(png, to: files[0])
        }
        return Report(layer: layer, categoryNames: incidents.categoryNames, counts: counts, outside: outside,
                      total: incidents.count, files: files, timings: timings, densityTop: map.top)
    }

    /// Title "<city> incident density (sample data)", subtitle "<first day> – <last day> · <count> incidents".
    func mapText(_ incidents: IncidentTable) -> MapText {
        let zh = language == .zh
        let count = NiceNumbers.format(Double(incidents.count), maximumDecimals: 0)
        var subtitle = zh ? "\(count) 起（示例数据）" : "\(count) incidents (sample data)"
        if let times = incidents.time, let first = times.min(), let last = times.max() {
            let day = { (t: Int64) in String(ISO8601Time.format(t).prefix(10)) }
            subtitle = "\(day(first)) – \(day(last)) · " + subtitle
        }
        return MapText(title: zh ? "事件热力图" : "Incident density", subtitle: subtitle, language: language,
                       areaLabels: nil)
    }

    static func count(_ assignment: [Int32], categories: [UInt16], areaCount: Int,
                      categoryCount: Int) -> (counts: [[Int]], outside: Int) {
        var flat = [Int](repeating: 0, count: areaCount * categoryCount)
        var outside = 0
        for (area, category) in zip(assignment, categories) {
            if area < 0 { outside += 1 } else { flat[Int(area) * categoryCount + Int(category)] += 1 }
        }
        let counts = (0..<areaCount).map { Array(flat[$0 * categoryCount..<($0 + 1) * categoryCount]) }
        return (counts, outside)
    }
}

/// `id,name,total,<category>...` per area in layer order.
func writeCountsCSV(layer: BoundaryLayer, categoryNames: [String], counts: [[Int]], to path: String) throws {
    try writeAtomically(to: path) { out in
        try out.write((["id", "name", "total"] + categoryNames).map(CSVText.field).joined(separator: ",") + "\n")
        for (i, row) in counts.enumerated() {
            let fields = [layer.ids[i], layer.names[i], String(row.reduce(0, +))] + row.map(String.init)
            try out.write(fields.map(CSVText.field).joined(separator: ",") + "\n")
        }
    }
}

/// The areas with their own properties plus `incidents` and `incidents_<category>`.
func writeCountsGeoJSON(layer: BoundaryLayer, categoryNames: [String], counts: [[Int]], to path: String) throws {
    let writer = try GeoJSONWriter(path: path, name: "districts")
    for (i, feature) in layer.features.enumerated() {
        var properties = feature.properties
        properties["incidents"] = .number(Double(counts[i].reduce(0, +)))
        for (k, name) in categoryNames.enumerated() { properties["incidents_" + name] = .number(Double(counts[i][k])) }
        try writer.write(Feature(geometry: feature.geometry, properties: properties, id: feature.id))
    }
    try writer.finish()
}
