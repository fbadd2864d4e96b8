/// HeatGrid's version, as `heatgrid --version` prints it and manifests record it.
public enum HeatGridVersion {
    public static let current = "0.8.0"
}
