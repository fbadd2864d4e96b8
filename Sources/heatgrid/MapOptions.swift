import Foundation
import ArgumentParser
import HeatGridKit

/// Options every map command shares: how incidents are read, the layer's datum, colours and classes, text.
struct MapOptions: ParsableArguments {
    @OptionGroup var input: IncidentArguments

    @Option(help: "Datum of the boundaries or cells: wgs84, gcj02 or bd09 (the shipped geodata is gcj02).")
    var boundaryDatum: Datum = .wgs84

    @Option(help: "Map width in pixels.")
    var size = 2048

    @Option(help: "Colour ramp: viridis, inferno, magma, heat or blue_white_red.")
    var colormap: ColorMap?

    @Option(help: "Classes instead of a continuous ramp: natural:N (Fisher–Jenks), quantiles:N or equal:N.")
    var classes: String?

    @Option(help: "Pinned class breaks from an earlier map (a file written by --save-breaks), so weeks share a legend.")
    var breaks: String?

    @Option(help: "Write the class breaks used, to pin them next week with --breaks.")
    var saveBreaks: String?

    @Option(help: "Map title (default: what the map shows).")
    var title: String?

    @Option(help: "Line under the title (default: the incident count).")
    var subtitle: String?

    @Option(help: "Font for map text (needs Chinese glyphs; default: a CJK font from Debian's packages).")
    var font: String?

    @Flag(help: "Write a .pgw world file and a .prj beside the PNG so GIS tools place it.")
    var worldFile = false

    @Flag(help: "Transparent background (no area fill), for overlay on other maps.")
    var transparent = false

    var classSpec: ClassSpec? {
        get throws {
            guard let classes else { return nil }
            guard let spec = ClassSpec(classes) else {
                throw ValidationError("--classes takes natural:N, quantiles:N or equal:N with N from 2 to 12, got '\(classes)'")
            }
            return spec
        }
    }

    /// The settings these options and the common ones say.
    func settings(_ common: CommonOptions) throws -> MapSettings {
        var settings = MapSettings()
        settings.incidents = try input.options()
        settings.layerDatum = boundaryDatum
        settings.style.width = size
        settings.style.transparentBackground = transparent
        if let colormap { settings.style.colorMap = colormap }
        settings.classes = try classSpec
        settings.breaksPath = breaks
        settings.saveBreaksPath = saveBreaks
        settings.title = title
        settings.subtitle = subtitle
        settings.fontPath = font
        settings.worldFile = worldFile
        settings.language = common.lang
        settings.threads = common.threads
        settings.validation = common.validation
        return settings
    }

    func validate() throws {
        guard (64...16_384).contains(size) else { throw ValidationError("--size must be between 64 and 16384") }
        _ = try classSpec
    }
}

extension ColorMap: ExpressibleByArgument {}
