import Foundation
import GeoCore
import GeoJSON
import Stats
import TestSupport

/// The layers and libpysal's answers the reference tests compare with (Reference/make_reference.py made them).
enum ReferenceData {
    static let folder = Fixtures.repositoryRoot + "/Tests/NeighboursTests/Reference/"

    /// The areal features of a GeoJSON file, in file order, optionally only those whose `level` is `level`.
    static func layer(_ path: String, level: String? = nil) throws -> [MultiPolygon] {
        try GeoJSONReader().read(path: path).features.compactMap { feature -> MultiPolygon? in
            if let level, feature.properties["level"] != .string(level) { return nil }
            return feature.geometry?.areal
        }
    }

    static func grid() throws -> [MultiPolygon] { try layer(folder + "grid.geojson") }
    static func jiaxing() throws -> [MultiPolygon] { try layer(Fixtures.geodata("jiaxing.geojson"), level: "district") }
    static func counties() throws -> [MultiPolygon] { try layer(Fixtures.geodata("zhejiang_counties.geojson")) }

    /// `focal,neighbor` rows as a set per unit (`focal,` is a unit without neighbours).
    static func lists(_ name: String, count: Int) throws -> [Set<Int>] {
        var sets = [Set<Int>](repeating: [], count: count)
        for line in try rows(name) {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard let focal = Int(fields[0]) else { continue }
            if fields.count > 1, let neighbour = Int(fields[1]) { sets[focal].insert(neighbour) }
        }
        return sets
    }

    /// `x,y` rows.
    static func points(_ name: String) throws -> [Point] {
        try rows(name).compactMap { line in
            let fields = line.split(separator: ",")
            guard fields.count == 2, let x = Double(fields[0]), let y = Double(fields[1]) else { return nil }
            return Point(x: x, y: y)
        }
    }

    /// Comma-separated rows after the header, as fields.
    static func table(_ name: String) throws -> [[Substring]] {
        try rows(name).map { $0.split(separator: ",", omittingEmptySubsequences: false) }
    }

    private static func rows(_ name: String) throws -> [Substring] {
        let text = try String(contentsOfFile: folder + name, encoding: .utf8)
        return text.split(separator: "\n").dropFirst().map { $0 }
    }
}

extension SpatialWeights {
    /// Each unit's neighbours as a set, to compare with reference lists.
    var sets: [Set<Int>] { (0..<count).map { Set(neighbours(of: $0).map { Int($0) }) } }
}

func distance(_ a: Point, _ b: Point) -> Double { ((a.x - b.x) * (a.x - b.x) + (a.y - b.y) * (a.y - b.y)).squareRoot() }
