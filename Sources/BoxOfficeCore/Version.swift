/// The release of this build and of its wire protocol.
public enum BoxOfficeVersion {
    public static let release = "0.1.0"
    public static let protocolVersion: UInt32 = 1
}
