/// A place in the United States as a person gives it: a ZIP code, "City, ST", or coordinates.
///
/// Parsing checks the form and that the place can be in the US; whether a ZIP or city exists is for
/// the store to say.
public enum LocationQuery: Hashable, Sendable, CustomStringConvertible {
    case zip(String)
    case cityState(city: String, state: String)
    case coordinate(Coordinate)

    public var description: String {
        switch self {
        case .zip(let zip): zip
        case .cityState(let city, let state): "\(city), \(state)"
        case .coordinate(let point): point.description
        }
    }

    /// Parses "10001", "10001-1234", "Chicago, IL" or "41.88,-87.63".
    public static func parse(_ text: String) throws(BoxOfficeError) -> LocationQuery {
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { throw .invalidArgument("location is empty: give a ZIP code, \"City, ST\" or latitude,longitude") }
        if trimmed.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "-") }) && trimmed.first!.isNumber {
            return .zip(try validatedZIP(trimmed))
        }
        let parts = trimmed.split(separator: ",", omittingEmptySubsequences: false).map { String($0).trimmingWhitespace() }
        if parts.count == 2, let latitude = Double(parts[0]), let longitude = Double(parts[1]) {
            return .coordinate(try validatedCoordinate(Coordinate(latitude: latitude, longitude: longitude)))
        }
        if parts.count == 2 {
            return try validatedCityState(city: parts[0], state: parts[1])
        }
        throw .invalidArgument("cannot read location \"\(trimmed)\": give a ZIP code, \"City, ST\" or latitude,longitude")
    }

    /// Checks a ZIP code's form: five digits, optionally followed by "-" and four more (ZIP+4).
    public static func validatedZIP(_ text: String) throws(BoxOfficeError) -> String {
        let digits = Array(text.utf8)
        let isDigit = { (byte: UInt8) in byte >= 48 && byte <= 57 }
        let isFive = digits.count == 5 && digits.allSatisfy(isDigit)
        let isZipPlusFour = digits.count == 10 && digits[5] == UInt8(ascii: "-")
            && digits[0..<5].allSatisfy(isDigit) && digits[6...].allSatisfy(isDigit)
        guard isFive || isZipPlusFour else {
            throw .invalidArgument("\"\(text)\" is not a US ZIP code: a ZIP code has five digits")
        }
        return String(text.prefix(5))
    }

    /// Builds a city-and-state query, checking that the state is a US state, DC or territory.
    public static func validatedCityState(city: String, state: String) throws(BoxOfficeError) -> LocationQuery {
        let city = city.trimmingWhitespace()
        let state = state.trimmingWhitespace().uppercased()
        guard !city.isEmpty else { throw .invalidArgument("city is empty: write \"City, ST\"") }
        guard USState.isKnown(state) else {
            throw .invalidArgument("\"\(state)\" is not a US state: write the two-letter postal code, e.g. \"Chicago, IL\"")
        }
        return .cityState(city: city, state: state)
    }

    /// Checks that coordinates are valid and fall in a region of the United States.
    public static func validatedCoordinate(_ point: Coordinate) throws(BoxOfficeError) -> Coordinate {
        guard point.latitude.isFinite, point.longitude.isFinite,
              (-90...90).contains(point.latitude), (-180...180).contains(point.longitude)
        else {
            throw .invalidArgument("\(point) is not a valid latitude,longitude")
        }
        guard USState.regions.contains(where: { $0.contains(point) }) else {
            throw .invalidArgument("\(point) is outside the United States: BoxOffice serves US theatres only")
        }
        return point
    }
}

/// US postal state codes and the rough regions of the country.
public enum USState {
    /// The 50 states, DC, and the territories with ZIP codes.
    public static let codes: Set<String> = [
        "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
        "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ",
        "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT",
        "VA", "WA", "WV", "WI", "WY", "DC", "PR", "VI", "GU", "AS", "MP",
    ]

    public static func isKnown(_ code: String) -> Bool { codes.contains(code) }

    /// Generous boxes around the contiguous states, Alaska, Hawaii and the territories. A point
    /// inside one may still be across a border (Toronto, Tijuana); the store then finds no US ZIP
    /// code near it.
    public static let regions: [BoundingBox] = [
        BoundingBox(minLatitude: 24.3, maxLatitude: 49.5, minLongitude: -125.0, maxLongitude: -66.8),  // contiguous
        BoundingBox(minLatitude: 51.0, maxLatitude: 71.6, minLongitude: -180.0, maxLongitude: -129.9), // Alaska
        BoundingBox(minLatitude: 51.0, maxLatitude: 53.1, minLongitude: 172.0, maxLongitude: 180.0),   // Aleutians
        BoundingBox(minLatitude: 18.8, maxLatitude: 22.4, minLongitude: -160.5, maxLongitude: -154.7), // Hawaii
        BoundingBox(minLatitude: 17.6, maxLatitude: 18.6, minLongitude: -67.4, maxLongitude: -64.5),   // PR, USVI
        BoundingBox(minLatitude: 13.2, maxLatitude: 20.6, minLongitude: 144.6, maxLongitude: 146.1),   // Guam, CNMI
        BoundingBox(minLatitude: -14.6, maxLatitude: -11.0, minLongitude: -171.2, maxLongitude: -168.1), // Am. Samoa
    ]
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
