import Foundation
import PNGWriter
import TestSupport
import Testing

@Suite struct PNGWriterTests {
    /// 3 × 2 pixels: distinct colours, and alpha values from transparent to opaque.
    let smallPixels: [UInt8] = [
        255, 0, 0, 255, /**/ 0, 255, 0, 128, /**/ 0, 0, 255, 0,
        17, 34, 51, 68, /**/ 255, 255, 255, 255, /**/ 0, 0, 0, 1,
    ]

    /// A 1600 × 900 image where every channel varies, so rows and columns cannot be confused.
    static func gradient(width: Int, height: Int) -> [UInt8] {
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 4
                pixels[i] = UInt8(x * 255 / (width - 1))
                pixels[i + 1] = UInt8(y * 255 / (height - 1))
                pixels[i + 2] = UInt8((x + y) % 256)
                pixels[i + 3] = UInt8(255 - (x * y) % 200)
            }
        }
        return pixels
    }

    @Test func smallImageRoundTripsExactly() throws {
        let encoded = try PNGEncoder.encode(rgba: smallPixels, width: 3, height: 2)
        #expect(Array(encoded.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let decoded = try PNGDecoder.decode(bytes: encoded)
        #expect(decoded.width == 3)
        #expect(decoded.height == 2)
        #expect(decoded.rgba == smallPixels)
        #expect(decoded.pixel(x: 0, y: 1) == [17, 34, 51, 68])     // second row starts with the fourth pixel
        #expect(decoded.pixel(x: 2, y: 0) == [0, 0, 255, 0])       // transparent blue keeps its colour
    }

    @Test func gradientRoundTripsExactly() throws {
        let pixels = Self.gradient(width: 1600, height: 900)
        let decoded = try PNGDecoder.decode(bytes: try PNGEncoder.encode(rgba: pixels, width: 1600, height: 900))
        #expect(decoded.width == 1600)
        #expect(decoded.height == 900)
        #expect(decoded.rgba == pixels)
    }

    @Test(arguments: [PNGEncoder.Compression.standard, .fast])
    func encodingIsDeterministic(compression: PNGEncoder.Compression) throws {
        let pixels = Self.gradient(width: 320, height: 200)
        let first = try PNGEncoder.encode(rgba: pixels, width: 320, height: 200, compression: compression)
        let second = try PNGEncoder.encode(rgba: pixels, width: 320, height: 200, compression: compression)
        #expect(first == second)
        #expect(try PNGDecoder.decode(bytes: first).rgba == pixels)
    }

    @Test func fastCompressionStillDecodesToTheSamePixels() throws {
        let pixels = Self.gradient(width: 400, height: 300)
        let standard = try PNGEncoder.encode(rgba: pixels, width: 400, height: 300)
        let fast = try PNGEncoder.encode(rgba: pixels, width: 400, height: 300, compression: .fast)
        #expect(standard != fast)
        #expect(try PNGDecoder.decode(bytes: fast) == PNGDecoder.decode(bytes: standard))
    }

    @Test(arguments: [(0, 2), (3, 0), (-1, 2), (3, -5)])
    func emptyOrNegativeSizeIsRejected(width: Int, height: Int) throws {
        let error = try #require(throws: PNGError.self) { try PNGEncoder.encode(rgba: smallPixels, width: width, height: height) }
        #expect(error.message.contains("positive"), "\(error.message)")
        #expect(error.path == nil)
    }

    @Test(arguments: [0, 23, 25, 48])
    func wrongBufferLengthIsRejected(byteCount: Int) throws {
        let pixels = [UInt8](repeating: 7, count: byteCount)
        let error = try #require(throws: PNGError.self) { try PNGEncoder.encode(rgba: pixels, width: 3, height: 2) }
        #expect(error.message.contains("\(byteCount) bytes"), "\(error.message)")
        #expect(error.message.contains("24"), "\(error.message)")
    }

    @Test func overflowingSizeIsRejected() throws {
        let error = try #require(throws: PNGError.self) {
            try PNGEncoder.encode(rgba: smallPixels, width: 500_000_000, height: 1 << 40)
        }
        #expect(!error.message.isEmpty)
    }

    @Test func writesFileAtomically() throws {
        let folder = Fixtures.temporaryFolder("png")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/maps/small.png"
        try writePNG(rgba: smallPixels, width: 3, height: 2, to: path)
        let decoded = try PNGDecoder.decode(path: path)
        #expect(decoded == DecodedPNG(width: 3, height: 2, rgba: smallPixels))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder + "/maps") == ["small.png"])
        let bytes = try #require(FileManager.default.contents(atPath: path))
        #expect([UInt8](bytes) == (try PNGEncoder.encode(rgba: smallPixels, width: 3, height: 2)))
    }

    @Test func unwritablePathThrowsAndLeavesNoFile() throws {
        let path = "/proc/nope/x.png"
        let error = try #require(throws: PNGError.self) { try writePNG(rgba: smallPixels, width: 3, height: 2, to: path) }
        #expect(error.path == path)
        #expect(!error.message.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func badPixelsForAFileNameThePath() throws {
        let folder = Fixtures.temporaryFolder("png")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/bad.png"
        let error = try #require(throws: PNGError.self) { try writePNG(rgba: [1, 2, 3], width: 3, height: 2, to: path) }
        #expect(error.path == path)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func garbageBytesGiveLibpngMessage() throws {
        let error = try #require(throws: PNGError.self) { try PNGDecoder.decode(bytes: Array("not a png at all".utf8)) }
        #expect(!error.message.isEmpty)
        #expect(error.path == nil)
    }

    @Test func truncatedFileGivesLibpngMessage() throws {
        let encoded = try PNGEncoder.encode(rgba: Self.gradient(width: 64, height: 64), width: 64, height: 64)
        let error = try #require(throws: PNGError.self) { try PNGDecoder.decode(bytes: Array(encoded.prefix(encoded.count / 2))) }
        #expect(!error.message.isEmpty)
    }

    @Test func missingFileNamesThePath() throws {
        let path = Fixtures.temporaryFolder("png") + "/missing.png"
        let error = try #require(throws: PNGError.self) { try PNGDecoder.decode(path: path) }
        #expect(error.path == path)
        #expect(!error.message.isEmpty)
    }

    @Test func pixelLimitStopsHugeImages() throws {
        let encoded = try PNGEncoder.encode(rgba: Self.gradient(width: 64, height: 64), width: 64, height: 64)
        let error = try #require(throws: PNGError.self) { try PNGDecoder.decode(bytes: encoded, pixelLimit: 1000) }
        #expect(error.message.contains("64×64"), "\(error.message)")
    }
}
