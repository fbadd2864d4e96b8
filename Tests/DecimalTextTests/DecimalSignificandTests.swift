import DecimalText
import Glibc
import Testing

/// The conversion paths (Clinger, 128-bit, strtod fallback) against strtod itself, digit string by digit string.
struct DecimalSignificandTests {
    /// Gathers `integer.fraction e exponent` the way a parser would, then converts.
    static func convert(_ text: String) -> Double {
        var number = DecimalSignificand()
        var rest = Substring(text)
        if rest.first == "-" { number.negative = true; rest = rest.dropFirst() }
        let mantissaPart = rest.prefix { $0 != "e" }
        let exponentPart = rest.dropFirst(mantissaPart.count + 1)
        let pieces = mantissaPart.split(separator: ".", omittingEmptySubsequences: false)
        for c in pieces[0].utf8 { number.appendIntegerDigit(c - 0x30) }
        if pieces.count > 1 { for c in pieces[1].utf8 { number.appendFractionDigit(c - 0x30) } }
        if !exponentPart.isEmpty { number.exponent10 += Int(exponentPart)! }
        if let value = number.exactValue { return value }
        var bytes = Array(text.utf8)
        return bytes.withUnsafeMutableBufferPointer { DecimalConversion.strtod($0.baseAddress!, count: $0.count) }
    }

    @Test(arguments: [
        "0", "-0", "0.0", "1", "120.7512345", "30.604247000000004", "121.31761500000001", "9007199254740993",
        "0.1", "0.30000000000000004", "1e22", "1e23", "123456789012345678901234567890", "1.7976931348623157e308",
        "4.9e-324", "2.2250738585072014e-308", "0.000000000000000000000000000001", "-33.8678500000000014",
        "18446744073709551615", "1234567890123456789", "12345678901234567890", "0.1234567890123456789",
    ])
    func equalsStrtod(_ text: String) {
        let expected = strtod(text, nil)
        #expect(Self.convert(text).bitPattern == expected.bitPattern, "\(text)")
    }

    @Test func randomDigitStringsEqualStrtod() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state >> 11
        }
        for _ in 0..<20_000 {
            let integerDigits = Int(next() % 5), fractionDigits = Int(next() % 19) + 1
            var text = next() % 2 == 0 ? "-" : ""
            text += integerDigits == 0 ? "0" : String((0..<integerDigits).map { _ in Character(String(next() % 10)) })
            text += "." + String((0..<fractionDigits).map { _ in Character(String(next() % 10)) })
            if next() % 4 == 0 { text += "e" + String(Int(next() % 60) - 30) }
            #expect(Self.convert(text).bitPattern == strtod(text, nil).bitPattern, "\(text)")
        }
    }
}
