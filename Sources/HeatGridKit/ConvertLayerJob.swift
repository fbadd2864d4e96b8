/// `heatgrid convert --layer`: every position of every geometry of a GeoJSON file from one datum to another,
/// properties and feature order kept, written with the streaming RFC 7946 writer.
public struct ConvertLayerJob: Sendable {
    public var inputPath: String
    public var outputPath: String
    public var from: Datum
    public var to: Datum
    /// Decimals kept in output coordinates, 0 ... 15.
    public var precision = 7

    public init(inputPath: String, outputPath: String, from: Datum, to: Datum) {
        self.inputPath = inputPath
        self.outputPath = outputPath
        self.from = from
        self.to = to
    }

    public struct Report: Sendable {
        public let features: Int
        /// Positions converted (vertices of polygons, points).
        public let positions: Int
        public let timings: Timings
    }

    public func run(progress: (String) -> Void = { _ in }) throws -> Report {
        var timings = Timings()
        progress("reading \(inputPath)")
        let collection = try timings.measure("parse_layer") { () throws -> FeatureCollection in
            do { return try GeoJSONReader().read(path: inputPath) } catch { throw HeatGridError("\(error)") }
        }
        progress("converting \(collection.features.count) features from \(from.rawValue) to \(to.rawValue)")
        var positions = 0
        let features = timings.measure("convert") {
            collection.features.map { feature in
                var feature = feature
                positions += feature.geometry.map(Self.positionCount) ?? 0
                feature.geometry = feature.geometry?.converted(from: from, to: to)
                return feature
            }
        }
        progress("writing \(outputPath)")
        try timings.measure("write") {
            let writer = try GeoJSONWriter(path: outputPath, name: collection.name, precision: precision)
            for feature in features { try writer.write(feature) }
            try writer.finish()
        }
        return Report(features: features.count, positions: positions, timings: timings)
    }

    static func positionCount(_ geometry: Geometry) -> Int {
        switch geometry {
        case .point: 1
        case .lineString(let points): points.count
        case .polygon(let polygon): polygon.rings.reduce(0) { $0 + $1.points.count }
        case .multiPolygon(let multi): multi.vertexCount
        }
    }
}
