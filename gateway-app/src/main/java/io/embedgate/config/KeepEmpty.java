package io.embedgate.config;

import org.eclipse.microprofile.config.spi.Converter;

/**
 * Reads a value as it is, the empty string included. A provider module's defaults file sets instance
 * settings from environment variables that may be unset ({@code settings.client-secret=${AZURE_CLIENT_SECRET:}}):
 * such a setting is empty, which the adapter reads as absent, instead of failing the start as a
 * required value that is missing.
 */
public final class KeepEmpty implements Converter<String> {

    @Override
    public String convert(String value) {
        return value == null ? "" : value;
    }
}
