package dev.onebox.sfn.asl;

import java.util.List;
import java.util.Map;

/**
 * A compiled state. Fields shared by every type live here; each type adds its own. Paths,
 * templates and expressions are compiled when the definition is loaded, never per run.
 */
public abstract sealed class State permits State.Pass, State.Task, State.Choice, State.Wait,
        State.Succeed, State.Fail, State.Parallel, State.MapState {

    public enum Language { JSONPATH, JSONATA }

    public record Retrier(List<String> errorEquals, double intervalSeconds, int maxAttempts, double backoffRate,
                          Double maxDelaySeconds, boolean fullJitter) {
        boolean matches(String error) {
            for (String e : errorEquals) {
                if (Errors.matches(e, error)) {
                    return true;
                }
            }
            return false;
        }
    }

    public record Catcher(List<String> errorEquals, String next, Path resultPath, boolean discardResult,
                          PayloadTemplate output, PayloadTemplate assign) {
        boolean matches(String error) {
            for (String e : errorEquals) {
                if (Errors.matches(e, error)) {
                    return true;
                }
            }
            return false;
        }
    }

    public final String name;
    public final String type;
    public final Language language;
    public String next;
    public State nextState;
    public boolean end;
    public Path inputPath;
    public boolean inputNull;
    public Path outputPath;
    public boolean outputNull;
    public Path resultPath;
    public boolean resultDiscard;
    public PayloadTemplate parameters;
    public PayloadTemplate resultSelector;
    public PayloadTemplate arguments;
    public PayloadTemplate output;
    public PayloadTemplate assign;
    public List<Retrier> retry = List.of();
    public List<Catcher> catchers = List.of();
    public Map<String, State> catchTargets;

    State(String name, String type, Language language) {
        this.name = name;
        this.type = type;
        this.language = language;
    }

    public boolean jsonata() {
        return language == Language.JSONATA;
    }

    public static final class Pass extends State {
        public Object result;
        public boolean hasResult;

        Pass(String name, Language l) {
            super(name, "Pass", l);
        }
    }

    public static final class Task extends State {
        public String resource;
        public PayloadTemplate resourceTemplate;
        public Integer timeoutSeconds;
        public PayloadTemplate timeoutSecondsDynamic;
        public Integer heartbeatSeconds;
        public PayloadTemplate heartbeatSecondsDynamic;
        public PayloadTemplate credentials;

        Task(String name, Language l) {
            super(name, "Task", l);
        }
    }

    public record ChoiceRule(Condition condition, String next, PayloadTemplate assign, PayloadTemplate output) {
    }

    public static final class Choice extends State {
        public List<ChoiceRule> choices;
        public String defaultNext;
        public Map<String, State> targets;

        Choice(String name, Language l) {
            super(name, "Choice", l);
        }
    }

    public static final class Wait extends State {
        public Object seconds;          // Number, or JsonataExpression
        public Path secondsPath;
        public Object timestamp;        // String, or JsonataExpression
        public Path timestampPath;

        Wait(String name, Language l) {
            super(name, "Wait", l);
        }
    }

    public static final class Succeed extends State {
        Succeed(String name, Language l) {
            super(name, "Succeed", l);
        }
    }

    public static final class Fail extends State {
        public Object error;            // String or JsonataExpression
        public Object cause;
        public PayloadTemplate errorPath;      // path or intrinsic
        public PayloadTemplate causePath;

        Fail(String name, Language l) {
            super(name, "Fail", l);
        }
    }

    public static final class Parallel extends State {
        public List<Program> branches;

        Parallel(String name, Language l) {
            super(name, "Parallel", l);
        }
    }

    public static final class MapState extends State {
        public Program processor;
        public boolean distributed;
        public String executionType;
        public String label;
        public Path itemsPath;
        public PayloadTemplate items;
        public PayloadTemplate itemSelector;
        public Integer maxConcurrency;
        public Path maxConcurrencyPath;
        public PayloadTemplate maxConcurrencyDynamic;
        public Number toleratedFailureCount;
        public Path toleratedFailureCountPath;
        public Number toleratedFailurePercentage;
        public Path toleratedFailurePercentagePath;
        public PayloadTemplate toleratedDynamicCount;
        public PayloadTemplate toleratedDynamicPercentage;
        /**
         * ItemBatcher (MaxItemsPerBatch, MaxInputBytesPerBatch, their Path forms, BatchInput) as a template: JSONata
         * expressions or ".$" paths are evaluated against the state's input; null when there is no ItemBatcher.
         */
        public PayloadTemplate itemBatcher;
        /** ResultWriter: the resource (arn:aws:states:::s3:putObject, or null for WriterConfig alone), its parameters. */
        public String writerResource;
        public PayloadTemplate writerParameters;
        /** ResultWriter's WriterConfig (Transformation, OutputType), or null when there is no ResultWriter. */
        public Map<?, ?> writerConfig;
        /** ItemReader: the resource (e.g. arn:aws:states:::s3:getObject), its parameters and ReaderConfig. */
        public String readerResource;
        public PayloadTemplate readerParameters;
        public Map<?, ?> readerConfig = Map.of();

        MapState(String name, Language l) {
            super(name, "Map", l);
        }
    }
}
