/// The geodetic datum of longitude/latitude input. Chinese web maps publish offset datums.
public enum Datum: String, Sendable, CaseIterable {
    /// GPS; CGCS2000 agrees with it to centimetres.
    case wgs84
    /// Amap/Gaode and Tencent's obfuscated datum.
    case gcj02
    /// Baidu's datum, derived from GCJ-02.
    case bd09
}
