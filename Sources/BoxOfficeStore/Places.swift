public import BoxOfficeCore

/// How a place becomes a point and a time zone, and which theatres are near it, over rows any
/// store fetched: the rules live here once, the stores only fetch candidates.
public enum Places {
    /// How far a coordinate may be from the nearest US ZIP centroid and still count as in the US.
    public static let usRadiusMiles = 30.0

    /// A ZIP code's row (nil: no such ZIP) as a resolved place; INVALID_ARGUMENT says why not.
    public static func resolve(zip: String, row: ZipCode?) throws(BoxOfficeError) -> ResolvedLocation {
        guard let z = row else { throw .invalidArgument("no US ZIP code \(zip)") }
        guard z.isPlace else {
            let what = z.type == "MILITARY" ? "a military (APO/FPO/DPO) ZIP code" : "a ZIP code without a location"
            throw .invalidArgument(
                "ZIP code \(zip) is \(what) with no time zone: give a ZIP code, city or coordinate in the United States")
        }
        return ResolvedLocation(coordinate: z.coordinate, timeZone: z.timeZone, label: "\(z.zip) \(z.city), \(z.state)")
    }

    /// A city's ZIP rows (in ZIP order) as one place: the mean of their centroids, the first one's zone.
    public static func resolve(city: String, state: String, rows: [ZipCode]) throws(BoxOfficeError) -> ResolvedLocation {
        let places = rows.filter(\.isPlace)
        guard let first = places.first else {
            throw .invalidArgument("no city \"\(city)\" in \(state.uppercased()): check the spelling or give a ZIP code")
        }
        let n = Double(places.count)
        let mean = Coordinate(
            latitude: places.reduce(0) { $0 + $1.coordinate.latitude } / n,
            longitude: places.reduce(0) { $0 + $1.coordinate.longitude } / n)
        return ResolvedLocation(coordinate: mean, timeZone: first.timeZone, label: "\(first.city), \(first.state)")
    }

    /// A coordinate as a place, in the zone of the nearest ZIP among `candidates` (those in the
    /// bounding box of `usRadiusMiles` around it); outside the US when none is that near.
    public static func resolve(point: Coordinate, candidates: [ZipCode]) throws(BoxOfficeError) -> ResolvedLocation {
        guard let nearest = nearestZip(to: point, withinMiles: usRadiusMiles, among: candidates) else {
            throw .invalidArgument(
                "\(point) is outside the United States: no US ZIP code within \(Int(usRadiusMiles)) miles; BoxOffice serves US theatres only")
        }
        return ResolvedLocation(coordinate: point, timeZone: nearest.timeZone,
                                label: "\(point) near \(nearest.city), \(nearest.state)")
    }

    /// The ZIP with a place nearest `point` within `miles`; ties go to the lower ZIP so the answer is stable.
    public static func nearestZip(to point: Coordinate, withinMiles miles: Double, among candidates: [ZipCode]) -> ZipCode? {
        var best: (ZipCode, Double)?
        for z in candidates where z.isPlace {
            let d = point.distanceInMiles(to: z.coordinate)
            if d <= miles, best == nil || d < best!.1 || (d == best!.1 && z.zip < best!.0.zip) { best = (z, d) }
        }
        return best?.0
    }

    /// The theatres among `candidates` (a bounding box's) within `radiusMiles`, nearest first, ties by id.
    public static func nearest(_ candidates: [TheatreRecord], to point: Coordinate, radiusMiles: Double) -> [TheatreHit] {
        var hits: [TheatreHit] = []
        for theatre in candidates {
            let distance = point.distanceInMiles(to: theatre.coordinate)
            if distance <= radiusMiles { hits.append(TheatreHit(theatre: theatre, distanceMiles: distance)) }
        }
        hits.sort { ($0.distanceMiles, $0.theatre.id) < ($1.distanceMiles, $1.theatre.id) }
        return hits
    }
}
