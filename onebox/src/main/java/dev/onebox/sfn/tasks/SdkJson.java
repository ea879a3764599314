package dev.onebox.sfn.tasks;

import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.utils.builder.SdkBuilder;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Converts between Step Functions' JSON form of AWS API shapes (PascalCase member names, as
 * in the service API reference) and AWS SDK v2 model objects, using the SDK's own field
 * metadata ({@link SdkField}) — so any operation of a configured client can be called.
 */
final class SdkJson {
    private SdkJson() {
    }

    /** Builds an SDK request/structure from a JSON object using the builder's fields. */
    static Object build(SdkPojo builder, Map<?, ?> json) {
        Map<String, SdkField<?>> fields = new LinkedHashMap<>();
        for (SdkField<?> f : builder.sdkFields()) {
            fields.put(f.memberName(), f);
            if (f.locationName() != null) {
                fields.putIfAbsent(f.locationName(), f);
            }
        }
        for (Map.Entry<?, ?> e : json.entrySet()) {
            String key = String.valueOf(e.getKey());
            SdkField<?> f = fields.get(key);
            if (f == null) {
                f = fields.get(Character.toUpperCase(key.charAt(0)) + key.substring(1));
            }
            if (f == null) {
                throw new IllegalArgumentException("The field '" + key + "' is not a member of "
                        + builder.getClass().getEnclosingClass().getSimpleName());
            }
            f.set(builder, toSdk(f, e.getValue()));
        }
        return ((SdkBuilder<?, ?>) builder).build();
    }

    private static Object toSdk(SdkField<?> f, Object v) {
        if (v == null) {
            return null;
        }
        MarshallingType<?> t = f.marshallingType();
        if (t == MarshallingType.SDK_POJO) {
            Supplier<SdkPojo> ctor = f.constructor();
            return build(ctor.get(), (Map<?, ?>) v);
        }
        if (t == MarshallingType.LIST) {
            SdkField<?> member = f.getTrait(ListTrait.class).memberFieldInfo();
            List<Object> out = new ArrayList<>();
            for (Object o : (List<?>) v) {
                out.add(toSdk(member, o));
            }
            return out;
        }
        if (t == MarshallingType.MAP) {
            SdkField<?> value = f.getTrait(MapTrait.class).valueFieldInfo();
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
                out.put(String.valueOf(e.getKey()), toSdk(value, e.getValue()));
            }
            return out;
        }
        if (t == MarshallingType.STRING) {
            return v instanceof String s ? s : dev.onebox.sfn.asl.Json.write(v);
        }
        if (t == MarshallingType.INTEGER) {
            return ((Number) v).intValue();
        }
        if (t == MarshallingType.LONG) {
            return ((Number) v).longValue();
        }
        if (t == MarshallingType.DOUBLE) {
            return ((Number) v).doubleValue();
        }
        if (t == MarshallingType.FLOAT) {
            return ((Number) v).floatValue();
        }
        if (t == MarshallingType.BIG_DECIMAL) {
            return new BigDecimal(v.toString());
        }
        if (t == MarshallingType.BOOLEAN) {
            return v instanceof Boolean b ? b : Boolean.parseBoolean(v.toString());
        }
        if (t == MarshallingType.INSTANT) {
            return v instanceof Number n ? Instant.ofEpochMilli((long) (n.doubleValue() * 1000)) : Instant.parse(v.toString());
        }
        if (t == MarshallingType.SDK_BYTES) {
            return v instanceof String s ? SdkBytes.fromUtf8String(s)
                    : SdkBytes.fromUtf8String(dev.onebox.sfn.asl.Json.write(v));
        }
        return v;
    }

    /** Converts an SDK response/structure to JSON (PascalCase members; absent members omitted). */
    static Object toJson(Object v) {
        if (v instanceof SdkPojo p) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (SdkField<?> f : p.sdkFields()) {
                Object value = f.getValueOrDefault(p);
                if (value == null || isAutoConstruct(value)) {
                    continue;
                }
                out.put(f.memberName(), toJson(value));
            }
            return out;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                out.add(toJson(o));
            }
            return out;
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(String.valueOf(e.getKey()), toJson(e.getValue()));
            }
            return out;
        }
        if (v instanceof SdkBytes b) {
            return b.asUtf8String();
        }
        if (v instanceof Instant i) {
            return i.toString();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof BigDecimal bd) {
            return bd.doubleValue();
        }
        return v;
    }

    private static boolean isAutoConstruct(Object v) {
        return v instanceof software.amazon.awssdk.core.util.SdkAutoConstructList
                || v instanceof software.amazon.awssdk.core.util.SdkAutoConstructMap;
    }
}
