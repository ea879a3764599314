package dev.onebox.lambda;

import dev.onebox.template.FunctionResource;
import dev.onebox.template.Template;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The functions of the local stack by name (and by ARN): every {@code AWS::Serverless::Function} of the template,
 * hosted in this JVM. Each gets its template environment, then the emulator variables of {@link AwsEndpoints},
 * {@code AWS_LAMBDA_FUNCTION_NAME} and friends, then the caller's overrides (all functions), then the caller's
 * per-function overrides.
 */
public final class LocalFunctions {
    private final Map<String, LocalFunction> byName;

    public LocalFunctions(Map<String, LocalFunction> functions) {
        this.byName = Collections.unmodifiableMap(new LinkedHashMap<>(functions));
    }

    /** Hosts every function of {@code template}; handler classes are loaded from this class's class loader. */
    public static LocalFunctions fromTemplate(Template template, AwsEndpoints endpoints) {
        return fromTemplate(template, endpoints, Map.of(), Map.of(), LocalFunctions.class.getClassLoader());
    }

    /**
     * @param overrides environment variables for every function (win over the template and the endpoints)
     * @param perFunction environment variables by function logical id (win over everything else)
     */
    public static LocalFunctions fromTemplate(Template template, AwsEndpoints endpoints, Map<String, String> overrides,
                                              Map<String, Map<String, String>> perFunction, ClassLoader loader) {
        for (String id : perFunction.keySet()) {
            template.function(id);
        }
        Map<String, LocalFunction> functions = new LinkedHashMap<>();
        for (FunctionResource f : template.functions().values()) {
            functions.put(f.functionName(), LocalFunction.reflective(f.functionName(), f.arn(), f.timeoutSeconds(),
                    f.memorySize(), f.handlerClass(), f.handlerMethod(),
                    environment(f, endpoints, overrides, perFunction.getOrDefault(f.logicalId(), Map.of())), loader));
        }
        return new LocalFunctions(functions);
    }

    /** The environment a function's handler receives. */
    public static Map<String, String> environment(FunctionResource f, AwsEndpoints endpoints,
                                                  Map<String, String> overrides, Map<String, String> own) {
        Map<String, String> env = new LinkedHashMap<>(f.environment());
        env.putAll(endpoints.variables());
        env.put("AWS_LAMBDA_FUNCTION_NAME", f.functionName());
        env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
        env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", String.valueOf(f.memorySize()));
        env.put("AWS_EXECUTION_ENV", "AWS_Lambda_" + f.runtime());
        env.putAll(overrides);
        env.putAll(own);
        return env;
    }

    /** The function with this name or ARN; fails naming it when there is none. */
    public LocalFunction get(String nameOrArn) {
        LocalFunction function = byName.get(nameOrArn);
        if (function == null) {
            for (LocalFunction candidate : byName.values()) {
                if (candidate.arn().equals(nameOrArn) || nameOrArn.startsWith(candidate.arn() + ":")) {
                    return candidate;
                }
            }
            throw new IllegalArgumentException("No local function " + nameOrArn + " (known: " + byName.keySet() + ")");
        }
        return function;
    }

    public Set<String> names() {
        return byName.keySet();
    }

    public Map<String, LocalFunction> all() {
        return byName;
    }

    /** Creates one instance of every handler, so a broken handler fails at startup. */
    public void warmUp() {
        byName.values().forEach(LocalFunction::warmUp);
    }
}
