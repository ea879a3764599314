package dev.onebox.http;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * API Gateway's resource matching: a path is matched against resource paths segment by segment, literal segments
 * before {@code {param}} before a greedy {@code {proxy+}}; the most specific resource wins, then its method (or ANY).
 */
final class Routes {
    private record Resource(String path, List<String> segments, Map<String, LocalApi.Route> byMethod) {
    }

    /** A matched resource: its routes by method, and the path parameters (URL-decoded). */
    record Match(Map<String, LocalApi.Route> byMethod, Map<String, String> pathParameters) {
        LocalApi.Route routeFor(String method) {
            LocalApi.Route route = byMethod.get(method);
            return route != null ? route : byMethod.get("ANY");
        }
    }

    private final List<Resource> resources = new ArrayList<>();

    Routes(List<LocalApi.Route> routes) {
        Map<String, Resource> byPath = new LinkedHashMap<>();
        for (LocalApi.Route route : routes) {
            Resource resource = byPath.computeIfAbsent(route.resourcePath(),
                    p -> new Resource(p, segments(p), new LinkedHashMap<>()));
            if (resource.byMethod().putIfAbsent(route.method(), route) != null) {
                throw new IllegalArgumentException("Two Api events serve " + route.method() + " "
                        + route.resourcePath());
            }
        }
        resources.addAll(byPath.values());
    }

    Optional<Match> match(String path) {
        List<String> segments = segments(path);
        Resource best = null;
        Map<String, String> bestParameters = null;
        String bestRank = null;
        for (Resource resource : resources) {
            Map<String, String> parameters = new LinkedHashMap<>();
            String rank = match(resource.segments(), segments, parameters);
            if (rank != null && (bestRank == null || Comparator.<String>naturalOrder().compare(rank, bestRank) > 0)) {
                best = resource;
                bestParameters = parameters;
                bestRank = rank;
            }
        }
        return best == null ? Optional.empty() : Optional.of(new Match(best.byMethod(), bestParameters));
    }

    /** A rank string (higher is more specific: 2 literal, 1 parameter, 0 greedy per segment), or null: no match. */
    private static String match(List<String> template, List<String> path, Map<String, String> parameters) {
        StringBuilder rank = new StringBuilder();
        for (int i = 0; i < template.size(); i++) {
            String t = template.get(i);
            if (t.startsWith("{") && t.endsWith("+}")) {
                if (i >= path.size()) {
                    return null;
                }
                parameters.put(t.substring(1, t.length() - 2), decode(String.join("/", path.subList(i, path.size()))));
                return rank.append('0').toString();
            }
            if (i >= path.size()) {
                return null;
            }
            if (t.startsWith("{") && t.endsWith("}")) {
                parameters.put(t.substring(1, t.length() - 1), decode(path.get(i)));
                rank.append('1');
            } else if (t.equals(path.get(i))) {
                rank.append('2');
            } else {
                return null;
            }
        }
        return template.size() == path.size() ? rank.toString() : null;
    }

    private static List<String> segments(String path) {
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        return segments;
    }

    private static String decode(String text) {
        return URLDecoder.decode(text.replace("+", "%2B"), StandardCharsets.UTF_8);
    }
}
