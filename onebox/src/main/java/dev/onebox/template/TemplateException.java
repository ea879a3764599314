package dev.onebox.template;

/** A template.yaml that cannot be read, or a value in it that cannot be resolved locally. The message names the resource and property at fault. */
public final class TemplateException extends RuntimeException {
    public TemplateException(String message) {
        super(message);
    }

    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
