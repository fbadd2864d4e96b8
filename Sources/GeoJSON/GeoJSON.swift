// GeoJSON: reading and writing HeatGrid's layers.
//
//   GeoJSONReader ─ one pass over the file's bytes into a FeatureCollection (GeoJSONReader.swift, ByteParser.swift,
//                   NumberParsing.swift)
//   GeoJSONWriter ─ streaming RFC 7946 output through AtomicFileWriter (GeoJSONWriter.swift, JSONBytes.swift)
//   GeoJSONError  ─ the reader's one error type: file, feature, line:column and reason (GeoJSONError.swift)
