package io.authservice.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.quarkus.runtime.annotations.RegisterForReflection;
import java.util.List;

/** The JSON body of every error answer. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@RegisterForReflection // serialized inside a Response or by Vert.x: native images need it
public record ErrorBody(
        String error,
        @JsonProperty("error_description") String errorDescription,
        List<Violation> violations) {

    public ErrorBody(String error, String errorDescription) {
        this(error, errorDescription, null);
    }

    @RegisterForReflection // serialized inside a Response or by Vert.x: native images need it
    public record Violation(String field, String message) {}
}
