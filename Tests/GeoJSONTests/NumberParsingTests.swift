import GeoCore
import GeoJSON
import Glibc
import Testing
import TestSupport

/// Numbers read by the GeoJSON reader must be bit-identical to C's `strtod`.
@Suite("Number parsing matches strtod")
struct NumberParsingTests {
    static let trickyDecimals = [
        "0", "-0", "0.0", "-0.0", "0e10", "-0E-3", "1", "-1", "0.1", "0.2", "0.3", "0.30000000000000004",
        "1.0000000000000002", "0.9999999999999999", "121.317615", "30.479316", "30.604247000000004",
        "120.79193700000002", "120.78876540243003", "30.60580619904804", "-73.98765432109876",
        "9007199254740991", "9007199254740992", "9007199254740993", "9007199254740993.0", "18446744073709551615",
        "18446744073709551616", "123456789012345678901234567890", "0.1234567890123456789", "3.14159265358979323846",
        "1e22", "1e23", "1e-22", "1e-23", "8.98846567431158e307", "1.7976931348623157e308",
        "-1.7976931348623157e308", "2.2250738585072014e-308", "2.2250738585072011e-308", "4.9e-324", "5e-324",
        "2.4703282292062327e-324", "2.4703282292062328e-324", "1e-400", "123.456e-2", "1E+2", "1e-7", "7e-10",
        "2.5E-3", "6.02214076e23", "4.35679070e-05", "89255.0e-22", "99999999999999999999e-20",
        "9999999999999999", "99999999999999999", "0.000001", "100000000000000000000000",
        "1.00000000000000011102230246251565404236316680908203125",
        "1.00000000000000011102230246251565404236316680908203124",
        "1.00000000000000011102230246251565404236316680908203126",
        "43.000000000000007105427357601001858711242675781249", "7.3177701707893310e+15", "1.5e300", "3.0e-300",
        "500000.0", "3300000.0", "0.00000000000000000000000000000000000000000000000001",
        "1234567890123456789e-19", "1234567890123456789e-20", "1234567890123456789e19", "12345678901234567e3",
        "98765432109876543e-17", "98765432109876543e-5",
    ]

    @Test(arguments: trickyDecimals)
    func trickyDecimalEqualsStrtod(_ token: String) throws {
        let parsed = try numbers(in: [token])
        #expect(parsed.count == 1)
        #expect(parsed.first?.bitPattern == strtod(token, nil).bitPattern, "\(token)")
    }

    @Test func randomDecimalsOfUpTo20DigitsEqualStrtod() throws {
        var random = SeededGenerator(seed: 0x6765_6F6A_736F_6E)
        var tokens: [String] = []
        for _ in 0..<20_000 {
            let digits = 1 + Int(random.next() % 20)
            var text = random.next() % 4 == 0 ? "-" : ""
            var mantissa = String(1 + random.next() % 9)
            for _ in 1..<digits { mantissa += String(random.next() % 10) }
            let point = Int(random.next() % UInt64(digits + 1))
            if point == 0 || point == digits {
                text += mantissa
            } else {
                let cut = mantissa.index(mantissa.startIndex, offsetBy: point)
                text += mantissa[..<cut] + "." + mantissa[cut...]
            }
            switch random.next() % 3 {
            case 0: text += "e" + String(Int(random.next() % 61) - 30)
            case 1: text += "E+" + String(random.next() % 280)  // stays below the double range
            default: break
            }
            tokens.append(text)
        }
        let parsed = try numbers(in: tokens)
        #expect(parsed.count == tokens.count)
        let mismatches = zip(tokens, parsed).filter { $0.1.bitPattern != strtod($0.0, nil).bitPattern }
        #expect(mismatches.isEmpty, "first mismatches: \(mismatches.prefix(5).map(\.0))")
    }

    @Test func coordinatesUseTheSameExactConversion() throws {
        let layer = try parse(#"{"type":"Point","coordinates":[120.79193700000002,30.604247000000004]}"#)
        #expect(layer.features[0].geometry == .point(Point(x: strtod("120.79193700000002", nil),
                                                             y: strtod("30.604247000000004", nil))))
    }

    @Test func negativeZeroKeepsItsSign() throws {
        let parsed = try numbers(in: ["-0", "-0.0", "-0e5"])
        #expect(parsed.allSatisfy { $0 == 0 && $0.sign == .minus })
    }

    /// The numbers of a property array holding `tokens`, read through the public reader.
    private func numbers(in tokens: [String]) throws -> [Double] {
        let text = #"{"type":"Feature","geometry":null,"properties":{"v":["# + tokens.joined(separator: ",") + "]}}"
        guard case .array(let values)? = try parse(text).features.first?.properties["v"] else { return [] }
        return values.compactMap(\.doubleValue)
    }
}

