// Foundation-free trigonometry keeps BoxOfficeCore dependency-free.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A point on the Earth in degrees (WGS 84).
public struct Coordinate: Hashable, Sendable, CustomStringConvertible {
    public var latitude: Double
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    public var description: String { "\(latitude),\(longitude)" }

    /// Great-circle distance in statute miles (haversine on a sphere of the Earth's mean radius).
    public func distanceInMiles(to other: Coordinate) -> Double {
        let earthRadiusMiles = 3958.7613
        let φ1 = latitude * .pi / 180, φ2 = other.latitude * .pi / 180
        let Δφ = (other.latitude - latitude) * .pi / 180
        let Δλ = (other.longitude - longitude) * .pi / 180
        let a = sin2(Δφ / 2) + cosine(φ1) * cosine(φ2) * sin2(Δλ / 2)
        return 2 * earthRadiusMiles * arcsine(min(1, a.squareRoot()))
    }

    /// A latitude/longitude box that contains every point within `miles` of this one; used to
    /// narrow a search to an index range before exact distances are computed.
    public func boundingBox(radiusMiles miles: Double) -> BoundingBox {
        let milesPerDegreeLatitude = 69.0
        let Δlat = miles / milesPerDegreeLatitude
        let cosLat = max(0.01, cosine(latitude * .pi / 180))
        let Δlon = min(180, miles / (milesPerDegreeLatitude * cosLat))
        return BoundingBox(
            minLatitude: latitude - Δlat, maxLatitude: latitude + Δlat,
            minLongitude: longitude - Δlon, maxLongitude: longitude + Δlon
        )
    }
}

/// An axis-aligned latitude/longitude rectangle.
public struct BoundingBox: Hashable, Sendable {
    public var minLatitude: Double
    public var maxLatitude: Double
    public var minLongitude: Double
    public var maxLongitude: Double

    public init(minLatitude: Double, maxLatitude: Double, minLongitude: Double, maxLongitude: Double) {
        self.minLatitude = minLatitude
        self.maxLatitude = maxLatitude
        self.minLongitude = minLongitude
        self.maxLongitude = maxLongitude
    }

    public func contains(_ point: Coordinate) -> Bool {
        (minLatitude...maxLatitude).contains(point.latitude)
            && (minLongitude...maxLongitude).contains(point.longitude)
    }
}


@inline(__always) private func sin2(_ x: Double) -> Double { let s = sin(x); return s * s }
@inline(__always) private func cosine(_ x: Double) -> Double { cos(x) }
@inline(__always) private func arcsine(_ x: Double) -> Double { asin(x) }
