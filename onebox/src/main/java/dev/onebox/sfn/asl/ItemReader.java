package dev.onebox.sfn.asl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A DISTRIBUTED Map's ItemReader: reads the items through the task dispatcher (which calls
 * S3) and parses them per ReaderConfig — InputType JSON (an array), JSONL, CSV (with
 * CSVHeaderLocation FIRST_ROW or GIVEN, CSVDelimiter), or an object listing
 * (s3:listObjectsV2: one item per object); MaxItems caps the count.
 */
final class ItemReader {
    private ItemReader() {
    }

    static List<Object> read(State.MapState m, Scope scope, RunContext run) {
        Object params = m.readerParameters == null ? Map.of() : m.readerParameters.evaluate(scope);
        Object result = run.tasks.execute(new TaskCall(m.readerResource, params, m.name, null, null, null, run));
        Map<?, ?> cfg = m.readerConfig;
        List<Object> items;
        try {
            if (m.readerResource.endsWith("listObjectsV2")) {
                items = listing(result);
            } else {
                String body = result instanceof Map<?, ?> r && r.get("Body") instanceof String b ? b : String.valueOf(result);
                String type = cfg.get("InputType") instanceof String t ? t : "JSON";
                items = switch (type) {
                    case "JSON" -> json(body);
                    case "JSONL" -> jsonLines(body);
                    case "CSV" -> csv(body, cfg);
                    default -> throw new IllegalArgumentException("InputType " + type + " is not supported locally");
                };
            }
        } catch (IllegalArgumentException | IOException e) {
            throw new SfnException(Errors.ITEM_READER_FAILED, "The ItemReader of state '" + m.name
                    + "' could not read its items: " + e.getMessage());
        }
        Object max = cfg.get("MaxItems");
        if (cfg.get("MaxItemsPath") instanceof String p) {
            max = scope.read(Path.compile(p));
        }
        if (max instanceof Number n && n.intValue() > 0 && items.size() > n.intValue()) {
            items = new ArrayList<>(items.subList(0, n.intValue()));
        }
        return items;
    }

    private static List<Object> listing(Object result) {
        List<Object> items = new ArrayList<>();
        if (result instanceof Map<?, ?> r && r.get("Contents") instanceof List<?> contents) {
            for (Object o : contents) {
                if (o instanceof Map<?, ?> c) {
                    Map<String, Object> item = new LinkedHashMap<>();
                    item.put("Etag", c.get("ETag"));
                    item.put("Key", c.get("Key"));
                    item.put("LastModified", c.get("LastModified"));
                    item.put("Size", c.get("Size"));
                    item.put("StorageClass", c.get("StorageClass"));
                    items.add(item);
                }
            }
        }
        return items;
    }

    private static List<Object> json(String body) {
        Object v = Json.parse(body);
        if (!(v instanceof List<?> l)) {
            throw new IllegalArgumentException("the object is not a JSON array");
        }
        return new ArrayList<>(l);
    }

    private static List<Object> jsonLines(String body) throws IOException {
        List<Object> items = new ArrayList<>();
        BufferedReader r = new BufferedReader(new StringReader(body));
        for (String line; (line = r.readLine()) != null; ) {
            if (!line.isBlank()) {
                items.add(Json.parse(line));
            }
        }
        return items;
    }

    private static List<Object> csv(String body, Map<?, ?> cfg) throws IOException {
        String delimiter = cfg.get("CSVDelimiter") instanceof String d ? switch (d) {
            case "SEMICOLON" -> ";";
            case "PIPE" -> "|";
            case "TAB" -> "\t";
            case "SPACE" -> " ";
            default -> ",";
        } : ",";
        List<List<String>> rows = new ArrayList<>();
        BufferedReader r = new BufferedReader(new StringReader(body));
        for (String line; (line = r.readLine()) != null; ) {
            if (!line.isEmpty()) {
                rows.add(splitCsv(line, delimiter.charAt(0)));
            }
        }
        List<String> headers;
        if ("GIVEN".equals(cfg.get("CSVHeaderLocation")) && cfg.get("CSVHeaders") instanceof List<?> given) {
            headers = given.stream().map(String::valueOf).toList();
        } else {
            if (rows.isEmpty()) {
                return new ArrayList<>();
            }
            headers = rows.remove(0);
        }
        List<Object> items = new ArrayList<>();
        for (List<String> row : rows) {
            Map<String, Object> item = new LinkedHashMap<>();
            for (int i = 0; i < headers.size(); i++) {
                item.put(headers.get(i), i < row.size() ? row.get(i) : "");
            }
            items.add(item);
        }
        return items;
    }

    /** One CSV line; fields may be quoted with "..." and "" inside quotes is a quote. */
    private static List<String> splitCsv(String line, char delimiter) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == delimiter) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
