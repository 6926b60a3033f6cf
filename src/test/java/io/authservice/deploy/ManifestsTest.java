package io.authservice.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.authservice.config.ConfigMappingsTest;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatch;
import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.openshift.api.model.monitoring.v1.ServiceMonitor;
import java.io.IOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Renders every overlay with {@code kubectl kustomize} and checks (1) that each object is a valid
 * Kubernetes object of its kind, unknown fields included, and (2) that the manifests agree with the
 * application: ports, probe paths, environment variables, Ingress and NetworkPolicy ports.
 */
class ManifestsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The kinds the manifests may use, with the model class that defines each. */
    private static final Map<String, Class<?>> KINDS =
            Map.ofEntries(
                    Map.entry("v1/Namespace", Namespace.class),
                    Map.entry("v1/ConfigMap", ConfigMap.class),
                    Map.entry("v1/Secret", Secret.class),
                    Map.entry("v1/Service", Service.class),
                    Map.entry("v1/ServiceAccount", ServiceAccount.class),
                    Map.entry("v1/PersistentVolumeClaim", PersistentVolumeClaim.class),
                    Map.entry("apps/v1/Deployment", Deployment.class),
                    Map.entry("apps/v1/StatefulSet", StatefulSet.class),
                    Map.entry("networking.k8s.io/v1/Ingress", Ingress.class),
                    Map.entry("networking.k8s.io/v1/NetworkPolicy", NetworkPolicy.class),
                    Map.entry(
                            "autoscaling/v2/HorizontalPodAutoscaler",
                            HorizontalPodAutoscaler.class),
                    Map.entry("policy/v1/PodDisruptionBudget", PodDisruptionBudget.class),
                    Map.entry("gateway.networking.k8s.io/v1/HTTPRoute", HTTPRoute.class),
                    Map.entry("monitoring.coreos.com/v1/ServiceMonitor", ServiceMonitor.class));

    /** Everything a user may render: each overlay, and each optional component added to one. */
    private static final List<String> RENDERINGS =
            List.of("dev", "prod", "prod+servicemonitor", "prod+gateway-api", "dev+gateway-api");

    /** The public contract's paths: all the Ingress may route. */
    private static final Set<String> PUBLIC_PATHS =
            Set.of(
                    "/oauth2/token",
                    "/oauth2/revoke",
                    "/oauth2/introspect",
                    "/oauth2/userinfo",
                    "/users",
                    "/.well-known/jwks.json",
                    "/.well-known/openid-configuration",
                    "/.well-known/oauth-authorization-server");

    @ParameterizedTest
    @MethodSource("renderings")
    void everyObjectIsValidForItsKind(String overlay) throws Exception {
        List<String> errors = new ArrayList<>();
        List<JsonNode> documents = new ArrayList<>(render(overlay));
        documents.add(YAML.readTree(Path.of("deploy/base/secret.template.yaml").toFile()));
        for (JsonNode document : documents) {
            String kind =
                    document.path("apiVersion").asText() + "/" + document.path("kind").asText();
            String where = kind + " " + document.path("metadata").path("name").asText();
            Class<?> model = KINDS.get(kind);
            if (model == null) {
                errors.add(where + ": not a kind these manifests are checked for");
                continue;
            }
            try {
                unknownFields(JSON.treeToValue(document, model), where, errors);
            } catch (IOException e) {
                errors.add(where + ": " + e.getMessage());
            }
        }
        assertTrue(errors.isEmpty(), String.join("\n", errors));
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void manifestsAgreeWithTheApplication(String overlay) throws Exception {
        Map<String, List<Object>> objects = typed(render(overlay));
        Properties application = new Properties();
        application.load(
                Files.newBufferedReader(Path.of("src/main/resources/application.properties")));
        int httpPort = Integer.parseInt(application.getProperty("quarkus.http.port"));
        int managementPort = Integer.parseInt(application.getProperty("quarkus.management.port"));

        Deployment deployment = only(objects, Deployment.class);
        HorizontalPodAutoscaler hpa = only(objects, HorizontalPodAutoscaler.class);
        assertEquals(
                deployment.getMetadata().getName(),
                hpa.getSpec().getScaleTargetRef().getName(),
                "the HPA scales the Deployment");
        assertEquals(
                null,
                deployment.getSpec().getReplicas(),
                "no replicas beside the HPA: a re-apply would reset its count");
        assertTrue(hpa.getSpec().getMinReplicas() >= 2, "at least two replicas");
        Container container = deployment.getSpec().getTemplate().getSpec().getContainers().get(0);
        Map<String, Integer> ports = new HashMap<>();
        for (ContainerPort port : container.getPorts()) {
            ports.put(port.getName(), port.getContainerPort());
        }
        assertEquals(httpPort, ports.get("http"), "container port http = quarkus.http.port");
        assertEquals(
                managementPort,
                ports.get("management"),
                "container port management = quarkus.management.port");

        probe(container.getStartupProbe(), "/q/health/started", ports, managementPort);
        probe(container.getLivenessProbe(), "/q/health/live", ports, managementPort);
        probe(container.getReadinessProbe(), "/q/health/ready", ports, managementPort);

        Map<String, String> env = environment(container, objects);
        Set<String> known = knownVariables(application);
        for (String name : env.keySet()) {
            assertTrue(
                    known.contains(name), name + " is set but the service reads no such property");
        }
        for (Container init : deployment.getSpec().getTemplate().getSpec().getInitContainers()) {
            for (String name : environment(init, objects).keySet()) {
                assertTrue(
                        known.contains(name),
                        name
                                + " is set in "
                                + init.getName()
                                + " but the service reads no such property");
            }
        }
        assertEquals(
                String.valueOf(httpPort),
                env.getOrDefault("QUARKUS_HTTP_PORT", String.valueOf(httpPort)));
        assertEquals(
                String.valueOf(managementPort),
                env.getOrDefault("QUARKUS_MANAGEMENT_PORT", String.valueOf(managementPort)));
        for (String required :
                List.of(
                        "AUTH_ISSUER",
                        "AUTH_KEYS_ENCRYPTION_KEY",
                        "QUARKUS_DATASOURCE_REACTIVE_URL",
                        "QUARKUS_DATASOURCE_JDBC_URL")) {
            assertTrue(
                    env.containsKey(required) || secretTemplateKeys().contains(required),
                    required + " is not set");
        }

        Service service =
                objects.get("Service").stream()
                        .map(Service.class::cast)
                        .filter(
                                s ->
                                        s.getSpec()
                                                .getSelector()
                                                .equals(
                                                        deployment
                                                                .getSpec()
                                                                .getSelector()
                                                                .getMatchLabels()))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new AssertionError(
                                                "no Service selects the Deployment's pods"));
        Map<String, ServicePort> servicePorts = new HashMap<>();
        for (ServicePort port : service.getSpec().getPorts()) {
            servicePorts.put(port.getName(), port);
            assertTrue(
                    ports.containsKey(port.getName()),
                    "Service port " + port.getName() + " has no container port");
            assertEquals(
                    ports.get(port.getName()),
                    resolve(port.getTargetPort(), ports),
                    "Service " + port.getName());
        }

        Ingress ingress = only(objects, Ingress.class);
        assertTrue(ingress.getSpec().getIngressClassName() != null, "ingressClassName");
        assertTrue(!ingress.getSpec().getTls().isEmpty(), "TLS");
        for (var rule : ingress.getSpec().getRules()) {
            assertTrue(
                    ingress.getSpec().getTls().get(0).getHosts().contains(rule.getHost()),
                    "TLS covers " + rule.getHost());
            for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                assertTrue(
                        PUBLIC_PATHS.contains(path.getPath()),
                        path.getPath() + " is not a public path");
                var backend = path.getBackend().getService();
                assertEquals(
                        service.getMetadata().getName(),
                        backend.getName(),
                        "Ingress backend service");
                ServicePort target =
                        backend.getPort().getName() != null
                                ? servicePorts.get(backend.getPort().getName())
                                : servicePorts.values().stream()
                                        .filter(
                                                p ->
                                                        p.getPort()
                                                                .equals(
                                                                        backend.getPort()
                                                                                .getNumber()))
                                        .findFirst()
                                        .orElse(null);
                assertTrue(
                        target != null,
                        "Ingress port " + backend.getPort() + " is not a Service port");
                assertEquals(
                        httpPort,
                        resolve(target.getTargetPort(), ports),
                        "the Ingress reaches the API port");
            }
        }

        NetworkPolicy policy =
                objects.get("NetworkPolicy").stream()
                        .map(NetworkPolicy.class::cast)
                        .filter(
                                p ->
                                        deployment
                                                .getSpec()
                                                .getTemplate()
                                                .getMetadata()
                                                .getLabels()
                                                .entrySet()
                                                .containsAll(
                                                        p.getSpec()
                                                                .getPodSelector()
                                                                .getMatchLabels()
                                                                .entrySet()))
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new AssertionError(
                                                "no NetworkPolicy for the service's pods"));
        Set<Integer> allowedIn = new HashSet<>();
        policy.getSpec()
                .getIngress()
                .forEach(
                        rule ->
                                rule.getPorts()
                                        .forEach(p -> allowedIn.add(resolve(p.getPort(), ports))));
        assertEquals(
                Set.of(httpPort, managementPort),
                allowedIn,
                "NetworkPolicy ingress ports = the container ports");
        Set<Integer> allowedOut = new HashSet<>();
        policy.getSpec()
                .getEgress()
                .forEach(
                        rule ->
                                rule.getPorts().stream()
                                        .map(NetworkPolicyPort::getPort)
                                        .forEach(p -> allowedOut.add(p.getIntVal())));
        assertEquals(Set.of(5432, 53), allowedOut, "egress only to PostgreSQL and DNS");
        assertTrue(policy.getSpec().getPolicyTypes().containsAll(List.of("Ingress", "Egress")));

        var pod = deployment.getSpec().getTemplate().getSpec();
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken());
        assertEquals(Boolean.TRUE, pod.getSecurityContext().getRunAsNonRoot());
        assertEquals("RuntimeDefault", pod.getSecurityContext().getSeccompProfile().getType());
        assertEquals(Boolean.TRUE, container.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(Boolean.FALSE, container.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(List.of("ALL"), container.getSecurityContext().getCapabilities().getDrop());
        assertTrue(
                container.getResources().getRequests() != null
                        && container.getResources().getLimits() != null);
        long shutdown =
                java.time.Duration.parse(application.getProperty("quarkus.shutdown.timeout"))
                                .toSeconds()
                        + java.time.Duration.parse(
                                        application.getProperty("quarkus.shutdown.delay"))
                                .toSeconds();
        assertTrue(
                pod.getTerminationGracePeriodSeconds() >= shutdown + 5,
                "grace period "
                        + pod.getTerminationGracePeriodSeconds()
                        + " s covers the shutdown delay and timeout, "
                        + shutdown
                        + " s");
    }

    /**
     * Selectors: every object that selects the service's pods selects exactly them; peers are left
     * alone.
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void selectorsAndNetworkPolicyPeers(String overlay) throws Exception {
        Map<String, List<Object>> objects = typed(render(overlay));
        Deployment deployment = only(objects, Deployment.class);
        Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
        Map<String, String> podLabels =
                deployment.getSpec().getTemplate().getMetadata().getLabels();
        assertTrue(
                podLabels.entrySet().containsAll(selector.entrySet()),
                "the Deployment selects its own pods");
        assertEquals("auth-service", selector.get("app.kubernetes.io/name"));
        assertEquals(
                selector,
                only(objects, PodDisruptionBudget.class).getSpec().getSelector().getMatchLabels(),
                "PDB selector");
        assertTrue(
                objects.get("Service").stream()
                        .map(Service.class::cast)
                        .anyMatch(s -> selector.equals(s.getSpec().getSelector())),
                "a Service selects exactly the Deployment's pods");

        NetworkPolicy policy =
                objects.get("NetworkPolicy").stream()
                        .map(NetworkPolicy.class::cast)
                        .filter(p -> p.getMetadata().getName().equals("auth-service"))
                        .findFirst()
                        .orElseThrow();
        assertEquals(
                selector,
                policy.getSpec().getPodSelector().getMatchLabels(),
                "the policy applies to the service's pods");
        Map<Integer, List<NetworkPolicyPeer>> from = new HashMap<>();
        policy.getSpec()
                .getIngress()
                .forEach(
                        rule ->
                                rule.getPorts()
                                        .forEach(
                                                port ->
                                                        from.computeIfAbsent(
                                                                        port.getPort().getIntVal(),
                                                                        k -> new ArrayList<>())
                                                                .addAll(rule.getFrom())));
        assertTrue(
                from.get(8080).stream()
                        .anyMatch(
                                peer ->
                                        peer(
                                                peer,
                                                Map.of(
                                                        "kubernetes.io/metadata.name",
                                                        "ingress-nginx"),
                                                Map.of("app.kubernetes.io/name", "ingress-nginx"))),
                "the ingress controller's pods reach the API port: " + from.get(8080));
        assertTrue(
                from.get(8080).stream()
                        .anyMatch(
                                peer ->
                                        peer(
                                                peer,
                                                Map.of("auth-service/jwks-client", "true"),
                                                null)),
                "labelled namespaces reach the API port for the JWKS: " + from.get(8080));
        assertTrue(
                from.get(9000).stream()
                        .anyMatch(
                                peer ->
                                        peer(
                                                peer,
                                                Map.of("kubernetes.io/metadata.name", "monitoring"),
                                                null)),
                "monitoring reaches the management port: " + from.get(9000));
        assertTrue(
                policy.getSpec().getEgress().stream()
                        .flatMap(rule -> rule.getTo().stream())
                        .anyMatch(
                                peer ->
                                        peer(
                                                peer,
                                                Map.of(
                                                        "kubernetes.io/metadata.name",
                                                        "kube-system"),
                                                Map.of("k8s-app", "kube-dns"))),
                "DNS: the kube-dns pods of kube-system");
        // A peer in another namespace never carries this service's own labels (what
        // includeSelectors did).
        List<NetworkPolicyPeer> peers = new ArrayList<>();
        policy.getSpec().getIngress().forEach(rule -> peers.addAll(rule.getFrom()));
        policy.getSpec().getEgress().forEach(rule -> peers.addAll(rule.getTo()));
        for (NetworkPolicyPeer peer : peers) {
            if (peer.getNamespaceSelector() != null && peer.getPodSelector() != null) {
                Map<String, String> labels = peer.getPodSelector().getMatchLabels();
                assertTrue(
                        !labels.containsKey("app.kubernetes.io/part-of")
                                && !"auth-service".equals(labels.get("app.kubernetes.io/name")),
                        "a peer in another namespace selects this service's labels: " + labels);
            }
        }
    }

    /**
     * Every namespaced object lands in a namespace the overlay creates; no preStop sleep
     * (Kubernetes >= 1.25).
     */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void namespacesAndKubernetesVersion(String overlay) throws Exception {
        List<JsonNode> documents = render(overlay);
        Set<String> namespaces = new TreeSet<>();
        Set<String> used = new TreeSet<>();
        for (JsonNode document : documents) {
            if (document.path("kind").asText().equals("Namespace")) {
                namespaces.add(document.path("metadata").path("name").asText());
                assertEquals(
                        "restricted",
                        document.path("metadata")
                                .path("labels")
                                .path("pod-security.kubernetes.io/enforce")
                                .asText());
            } else {
                used.add(document.path("metadata").path("namespace").asText());
            }
        }
        assertEquals(Set.of(overlay.equals("prod") ? "auth" : "auth-dev"), namespaces);
        assertEquals(namespaces, used, "every object in the overlay's own namespace");
        String rendered = YAML.writeValueAsString(documents);
        assertTrue(
                !rendered.contains("preStop"),
                "no preStop hook: preStop.sleep needs Kubernetes >= 1.30, the README says >= 1.25");
        assertTrue(
                Files.readString(Path.of("README.md")).contains("Kubernetes ≥ 1.25"),
                "the README states the minimum version");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void imageAndMemory(String overlay) throws Exception {
        Map<String, List<Object>> objects = typed(render(overlay));
        var pod = only(objects, Deployment.class).getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);
        if (overlay.equals("prod")) {
            assertTrue(
                    container.getImage().matches("[^@:]+(:[^@]+)?@sha256:[0-9a-f]{64}"),
                    "prod pins a digest: " + container.getImage());
        } else {
            assertEquals(
                    "auth-service:dev", container.getImage(), "the image README's dev build makes");
            assertEquals(
                    "IfNotPresent",
                    container.getImagePullPolicy(),
                    "a locally loaded image is never pulled");
        }
        pod.getInitContainers()
                .forEach(
                        init ->
                                assertEquals(
                                        container.getImage(),
                                        init.getImage(),
                                        "init container, same image"));

        // The image's heap plus what the JVM holds beside it (measured: README, "Footprint") fit
        // the
        // limit. JAVA_TOOL_OPTIONS here would replace the image's settings (a collector beside the
        // one
        // run-java.sh is told would stop the JVM at start).
        long limit =
                container
                        .getResources()
                        .getLimits()
                        .get("memory")
                        .getNumericalAmount()
                        .longValueExact();
        long request =
                container
                        .getResources()
                        .getRequests()
                        .get("memory")
                        .getNumericalAmount()
                        .longValueExact();
        for (Container each : pod.getInitContainers()) {
            assertFalse(
                    environment(each, objects).containsKey("JAVA_TOOL_OPTIONS"),
                    each.getName() + " keeps the image's JVM settings");
        }
        assertFalse(
                environment(container, objects).containsKey("JAVA_TOOL_OPTIONS"),
                "the image's JVM settings hold");
        long heap = imageHeap();
        long besideHeap = 200L << 20;
        assertTrue(
                heap + besideHeap <= limit,
                "heap "
                        + (heap >> 20)
                        + " MiB + 200 MiB beside it fit the limit "
                        + (limit >> 20)
                        + " MiB");
        assertTrue(
                request >= 256L << 20 && request <= limit,
                "the request covers the resident memory after start");
    }

    /**
     * The maximum heap both images give the JVM: their JAVA_TOOL_OPTIONS (Jib's in
     * application.properties, Dockerfile.jvm's), which must be the same, with the serial collector
     * that run-java.sh (Jib's UBI base) is told of as well.
     */
    private static long imageHeap() throws IOException {
        String prefix = "quarkus.jib.environment-variables.\"JAVA_TOOL_OPTIONS\"=";
        List<String> properties =
                Files.readAllLines(Path.of("src/main/resources/application.properties"));
        String jib =
                properties.stream()
                        .filter(line -> line.startsWith(prefix))
                        .findFirst()
                        .orElseThrow()
                        .substring(prefix.length());
        String dockerfile = Files.readString(Path.of("src/main/docker/Dockerfile.jvm"));
        Matcher docker =
                Pattern.compile("(?m)^ENV JAVA_TOOL_OPTIONS=\"([^\"]*)\"").matcher(dockerfile);
        assertTrue(docker.find(), "Dockerfile.jvm sets JAVA_TOOL_OPTIONS");
        assertEquals(jib, docker.group(1), "Jib and Dockerfile.jvm run the JVM alike");
        assertTrue(
                jib.contains("-XX:+UseSerialGC")
                        && properties.contains(
                                "quarkus.jib.environment-variables.\"GC_CONTAINER_OPTIONS\"=-XX:+UseSerialGC"),
                "the serial collector, also for run-java.sh on Jib's UBI base");
        Matcher heap = Pattern.compile("-Xmx(\\d+)m").matcher(jib);
        assertTrue(heap.find(), "the images set the heap: " + jib);
        return Long.parseLong(heap.group(1)) << 20;
    }

    /**
     * Prod: database TLS verified against a mounted CA; migrations in an init container with their
     * own role.
     */
    @org.junit.jupiter.api.Test
    void prodDatabaseTlsAndMigrations() throws Exception {
        Map<String, List<Object>> objects = typed(render("prod"));
        var pod = only(objects, Deployment.class).getSpec().getTemplate().getSpec();
        Container container = pod.getContainers().get(0);
        Map<String, String> env = environment(container, objects);
        assertTrue(env.get("QUARKUS_DATASOURCE_REACTIVE_URL").contains("sslmode=verify-full"));
        assertEquals("true", env.get("QUARKUS_DATASOURCE_REACTIVE_TRUST_CERTIFICATE_PEM"));
        assertEquals(
                "HTTPS", env.get("QUARKUS_DATASOURCE_REACTIVE_HOSTNAME_VERIFICATION_ALGORITHM"));
        String ca = env.get("QUARKUS_DATASOURCE_REACTIVE_TRUST_CERTIFICATE_PEM_CERTS");
        String jdbc = env.get("QUARKUS_DATASOURCE_JDBC_URL");
        assertTrue(
                jdbc.contains("sslmode=verify-full") && jdbc.contains("sslrootcert=" + ca), jdbc);
        assertEquals(1, pod.getInitContainers().size(), "one init container");
        Container migrations = pod.getInitContainers().get(0);
        for (Container c : List.of(container, migrations)) {
            var mount =
                    c.getVolumeMounts().stream()
                            .filter(m -> ca.startsWith(m.getMountPath() + "/"))
                            .findFirst()
                            .orElseThrow(
                                    () ->
                                            new AssertionError(
                                                    c.getName() + " does not mount " + ca));
            var volume =
                    pod.getVolumes().stream()
                            .filter(v -> v.getName().equals(mount.getName()))
                            .findFirst()
                            .orElseThrow();
            assertTrue(
                    volume.getConfigMap() != null || volume.getSecret() != null,
                    "the CA comes from a ConfigMap or Secret");
        }

        Map<String, String> migrationEnv = environment(migrations, objects);
        assertEquals(
                List.of("migrate"),
                migrations.getArgs(),
                "the migration container exits when done (MigrateAndExit)");
        assertEquals("true", migrationEnv.get("QUARKUS_FLYWAY_MIGRATE_AT_START"));
        List<EnvFromSource> sources = migrations.getEnvFrom();
        assertEquals(
                "auth-service-migrations",
                sources.get(sources.size() - 1).getSecretRef().getName(),
                "the owner role's Secret comes last, so its username and password win");
        assertEquals(
                "false",
                env.get("QUARKUS_FLYWAY_MIGRATE_AT_START"),
                "the service does not migrate");
        assertFalse(
                Boolean.parseBoolean(env.getOrDefault("QUARKUS_FLYWAY_VALIDATE_AT_START", "false")),
                "the init container's migrate validated the schema; the service does not again (its start is longer)");
        assertTrue(
                env.keySet().stream().noneMatch(name -> name.startsWith("QUARKUS_HTTP_PROXY_")),
                "Quarkus' forwarding stays off (the service refuses to start with it)");
    }

    /** The optional ServiceMonitor scrapes the management port of the service's Service. */
    @org.junit.jupiter.api.Test
    void serviceMonitorComponent() throws Exception {
        List<JsonNode> documents = render("prod+servicemonitor");
        JsonNode monitor =
                documents.stream()
                        .filter(d -> d.path("kind").asText().equals("ServiceMonitor"))
                        .findFirst()
                        .orElseThrow();
        Service service = only(typed(documents), Service.class);
        assertEquals("management", monitor.at("/spec/endpoints/0/port").asText());
        assertEquals("/q/metrics", monitor.at("/spec/endpoints/0/path").asText());
        assertTrue(
                service.getSpec().getPorts().stream()
                        .anyMatch(p -> p.getName().equals("management")));
        monitor.at("/spec/selector/matchLabels")
                .fields()
                .forEachRemaining(
                        label ->
                                assertEquals(
                                        label.getValue().asText(),
                                        service.getMetadata().getLabels().get(label.getKey()),
                                        "the ServiceMonitor selects the Service"));
    }

    /**
     * ingress-nginx answers its own rate limits as the contract does: 429 (a controller setting).
     */
    @org.junit.jupiter.api.Test
    void ingressRateLimitsAnswer429() throws Exception {
        JsonNode config =
                YAML.readTree(Path.of("deploy/ingress-nginx/controller-configmap.yaml").toFile());
        assertEquals("429", config.at("/data/limit-req-status-code").asText());
        assertEquals("429", config.at("/data/limit-conn-status-code").asText());
        assertTrue(config.at("/data/location-snippet").asText().contains("Retry-After"));
        String server = config.at("/data/server-snippet").asText();
        for (String status : List.of("404", "413", "429")) {
            assertTrue(
                    server.contains("error_page " + status + " @auth_json_" + status + ";")
                            && server.matches(
                                    "(?s).*location @auth_json_"
                                            + status
                                            + " \\{ default_type application/json;.*return "
                                            + status
                                            + " '\\{\"error\":.*"),
                    "the edge's own " + status + " is JSON: " + server);
        }
        assertTrue(
                Files.readString(Path.of("README.md"))
                        .contains("deploy/ingress-nginx/controller-configmap.yaml"));
    }

    private static boolean peer(
            NetworkPolicyPeer peer,
            Map<String, String> namespaceLabels,
            Map<String, String> podLabels) {
        return peer.getNamespaceSelector() != null
                && namespaceLabels.equals(peer.getNamespaceSelector().getMatchLabels())
                && (podLabels == null
                        ? peer.getPodSelector() == null
                        : peer.getPodSelector() != null
                                && podLabels.equals(peer.getPodSelector().getMatchLabels()));
    }

    /**
     * What the API server and the controllers need of every rendering: each workload selects its
     * own pod template, each Service and NetworkPolicy selects some pod rendered with it, each
     * probe names a port its container exposes.
     */
    @ParameterizedTest
    @MethodSource("renderings")
    void selectorsProbesAndPortsFitTogether(String rendering) throws Exception {
        List<JsonNode> documents = render(rendering);
        List<String> errors = new ArrayList<>();
        List<Map<String, String>> pods = new ArrayList<>();
        for (JsonNode workload : documents) {
            if (!workload.at("/spec/template/spec").isObject()) {
                continue;
            }
            String where =
                    workload.path("kind").asText() + " " + workload.at("/metadata/name").asText();
            Map<String, String> labels = labels(workload.at("/spec/template/metadata/labels"));
            pods.add(labels);
            if (workload.at("/spec/selector/matchExpressions").size() > 0) {
                errors.add(where + ": matchExpressions are not checked here");
            }
            if (!labels.entrySet()
                    .containsAll(labels(workload.at("/spec/selector/matchLabels")).entrySet())) {
                errors.add(
                        where
                                + ": selector "
                                + workload.at("/spec/selector/matchLabels")
                                + " does not match the template's labels "
                                + labels);
            }
            for (String list : List.of("initContainers", "containers")) {
                for (JsonNode container : workload.at("/spec/template/spec/" + list)) {
                    Set<String> ports = new HashSet<>();
                    container
                            .path("ports")
                            .forEach(
                                    port -> {
                                        ports.add(port.path("name").asText());
                                        ports.add(port.path("containerPort").asText());
                                    });
                    for (String probe :
                            List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                        JsonNode handler =
                                container.path(probe).has("httpGet")
                                        ? container.path(probe).path("httpGet")
                                        : container.path(probe).path("tcpSocket");
                        if (!handler.isMissingNode()
                                && !ports.contains(handler.path("port").asText())) {
                            errors.add(
                                    where
                                            + " "
                                            + container.path("name").asText()
                                            + ": "
                                            + probe
                                            + " port "
                                            + handler.path("port")
                                            + " is not a port of the container "
                                            + ports);
                        }
                    }
                }
            }
        }
        for (JsonNode object : documents) {
            String where =
                    object.path("kind").asText() + " " + object.at("/metadata/name").asText();
            if (object.path("kind").asText().equals("Service")) {
                Map<String, String> selector = labels(object.at("/spec/selector"));
                if (pods.stream()
                        .noneMatch(pod -> pod.entrySet().containsAll(selector.entrySet()))) {
                    errors.add(where + ": selects no rendered pod: " + selector);
                }
            }
            if (object.path("kind").asText().equals("NetworkPolicy")) {
                Map<String, String> selector = labels(object.at("/spec/podSelector/matchLabels"));
                if (pods.stream()
                        .noneMatch(pod -> pod.entrySet().containsAll(selector.entrySet()))) {
                    errors.add(where + ": applies to no rendered pod: " + selector);
                }
                // Peers in the policy's own namespace (a pod selector alone) are pods rendered
                // here.
                for (JsonNode rule : object.at("/spec/ingress")) {
                    for (JsonNode peer : rule.path("from")) {
                        if (peer.has("podSelector") && !peer.has("namespaceSelector")) {
                            Map<String, String> from = labels(peer.at("/podSelector/matchLabels"));
                            if (pods.stream()
                                    .noneMatch(
                                            pod -> pod.entrySet().containsAll(from.entrySet()))) {
                                errors.add(where + ": admits pods that are not rendered: " + from);
                            }
                        }
                    }
                }
            }
        }
        assertTrue(errors.isEmpty(), String.join("\n", errors));
    }

    /**
     * Every object against the schemas of a current Kubernetes release, enums and required fields
     * included: npm kubernetes-models (with @kubernetes-models/gateway-api and
     * prometheus-operator), run by src/test/node/validate-manifests.mjs. Unknown fields:
     * everyObjectIsValidForItsKind.
     */
    @ParameterizedTest
    @MethodSource("renderings")
    void everyObjectMatchesTheKubernetesSchemas(String rendering) throws Exception {
        String models = System.getenv("KUBERNETES_MODELS");
        if (models == null
                || !Files.isDirectory(Path.of(models, "node_modules", "kubernetes-models"))) {
            missing(
                    "the npm package kubernetes-models (KUBERNETES_MODELS: the folder holding its node_modules)",
                    ".ci/run installs it into $CACHE/kube-models");
        }
        List<JsonNode> documents = new ArrayList<>(render(rendering));
        documents.add(YAML.readTree(Path.of("deploy/base/secret.template.yaml").toFile()));
        Process node =
                new ProcessBuilder("node", "src/test/node/validate-manifests.mjs")
                        .redirectErrorStream(true)
                        .start();
        try (var in = node.getOutputStream()) {
            JSON.writeValue(in, documents);
        }
        String out = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, node.waitFor(), out);
        assertTrue(out.contains(documents.size() + " objects, 0 invalid"), out);
    }

    /** The HTTPRoute routes exactly the Ingress' paths, with the same match, to the API port. */
    @ParameterizedTest
    @ValueSource(strings = {"dev", "prod"})
    void gatewayRouteRoutesWhatTheIngressRoutes(String overlay) throws Exception {
        Map<String, List<Object>> ingressed = typed(render(overlay));
        Map<String, List<Object>> routed = typed(render(overlay + "+gateway-api"));
        Set<String> ingressPaths = new TreeSet<>();
        for (var rule : only(ingressed, Ingress.class).getSpec().getRules()) {
            for (HTTPIngressPath path : rule.getHttp().getPaths()) {
                ingressPaths.add(
                        (path.getPathType().equals("Prefix")
                                        ? "PathPrefix "
                                        : path.getPathType() + " ")
                                + path.getPath());
            }
        }
        assertTrue(
                routed.getOrDefault("Ingress", List.of()).isEmpty(),
                "the component replaces the Ingress");
        HTTPRoute route = only(routed, HTTPRoute.class);
        Ingress ingress = only(ingressed, Ingress.class);
        assertEquals(
                ingress.getSpec().getRules().stream().map(r -> r.getHost()).toList(),
                route.getSpec().getHostnames(),
                "hostnames");
        Set<String> routePaths = new TreeSet<>();
        Service service = objectsNamed(routed, "Service", "auth-service", Service.class);
        int http =
                service.getSpec().getPorts().stream()
                        .filter(p -> p.getName().equals("http"))
                        .findFirst()
                        .orElseThrow()
                        .getPort();
        for (var rule : route.getSpec().getRules()) {
            for (HTTPRouteMatch match : rule.getMatches()) {
                assertTrue(
                        match.getHeaders().isEmpty()
                                && match.getQueryParams().isEmpty()
                                && match.getMethod() == null,
                        "paths only");
                routePaths.add(match.getPath().getType() + " " + match.getPath().getValue());
            }
            for (var backend : rule.getBackendRefs()) {
                assertEquals(
                        service.getMetadata().getName(), backend.getName(), "the route's backend");
                assertEquals(http, backend.getPort(), "the route reaches the Service's http port");
            }
        }
        assertEquals(
                ingressPaths,
                routePaths,
                "the route's paths are the Ingress' (the public contract)");
        NetworkPolicy policy =
                objectsNamed(routed, "NetworkPolicy", "auth-service", NetworkPolicy.class);
        var gateway = route.getSpec().getParentRefs().get(0);
        assertTrue(
                policy.getSpec().getIngress().stream()
                        .flatMap(rule -> rule.getFrom().stream())
                        .anyMatch(
                                peer ->
                                        peer(
                                                peer,
                                                Map.of(
                                                        "kubernetes.io/metadata.name",
                                                        gateway.getNamespace()),
                                                Map.of(
                                                        "gateway.networking.k8s.io/gateway-name",
                                                        gateway.getName()))),
                "the gateway's pods reach the API port");
        assertTrue(
                policy.getSpec().getIngress().stream()
                        .flatMap(rule -> rule.getFrom().stream())
                        .noneMatch(
                                peer ->
                                        peer.getPodSelector() != null
                                                && "ingress-nginx"
                                                        .equals(
                                                                peer.getPodSelector()
                                                                        .getMatchLabels()
                                                                        .get(
                                                                                "app.kubernetes.io/name"))),
                "ingress-nginx is no longer admitted");
    }

    /**
     * Only the edge may set X-Forwarded-For: AUTH_TRUSTED_PROXIES is the ingress controller's own
     * range (at most a /24), never a pod CIDR that also holds the JWKS clients the NetworkPolicy
     * lets in (issue 16: they would choose their own address).
     */
    @ParameterizedTest
    @MethodSource("renderings")
    void onlyTheEdgeIsATrustedProxy(String rendering) throws Exception {
        Map<String, List<Object>> objects = typed(render(rendering));
        Container container =
                only(objects, Deployment.class)
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0);
        String trusted = environment(container, objects).get("AUTH_TRUSTED_PROXIES");
        assertTrue(trusted != null && !trusted.isBlank(), "AUTH_TRUSTED_PROXIES is set");
        for (String range : trusted.split(",")) {
            Matcher cidr =
                    Pattern.compile("([0-9.]+|[0-9a-fA-F:]+)/([0-9]+)").matcher(range.trim());
            assertTrue(cidr.matches(), "a CIDR: " + range);
            int prefix = Integer.parseInt(cidr.group(2));
            assertTrue(
                    cidr.group(1).contains(":") ? prefix >= 112 : prefix >= 24,
                    range
                            + " is wider than an ingress controller's pods need: any pod in it chooses its own address");
        }
        String readme = Files.readString(Path.of("README.md"));
        assertTrue(
                readme.contains("AUTH_TRUSTED_PROXIES"),
                "the README says what to set for the controller");
    }

    private static <T> T objectsNamed(
            Map<String, List<Object>> objects, String kind, String name, Class<T> type) {
        return objects.getOrDefault(kind, List.of()).stream()
                .map(type::cast)
                .filter(
                        o ->
                                ((io.fabric8.kubernetes.api.model.HasMetadata) o)
                                        .getMetadata()
                                        .getName()
                                        .equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name));
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> labels = new HashMap<>();
        node.fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
        return labels;
    }

    /**
     * kubectl renders the overlays. CI cannot install it (no registry here serves a kubectl with
     * kustomize v5; Debian's kubernetes-client is 1.20), so it must be on the machine there;
     * elsewhere these tests are skipped without it.
     */
    private static String kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "kubectl"))) {
                return Path.of(dir, "kubectl").toString();
            }
        }
        missing(
                "kubectl (>= 1.27, for kustomize v5)",
                "install it yourself: .ci/run cannot, no registry it reaches serves one "
                        + "(Debian's kubernetes-client is 1.20, too old for these overlays)");
        return null;
    }

    /** Skips the test, or fails it where CI=true. */
    private static void missing(String what, String who) {
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(what + " is missing (CI=true): " + who);
        }
        Assumptions.abort(what + " is missing, test skipped: " + who);
    }

    // ---- rendering and typing ----

    static List<String> renderings() {
        return RENDERINGS;
    }

    /**
     * An overlay ("prod"), or an overlay with a component added to its {@code components}
     * ("prod+gateway-api"), rendered: the latter from a copy of deploy/ in target/kustomize.
     */
    private static List<JsonNode> render(String rendering) throws Exception {
        String dir = "deploy/overlays/" + rendering;
        if (rendering.contains("+")) {
            String overlay = rendering.substring(0, rendering.indexOf('+'));
            String component = rendering.substring(rendering.indexOf('+') + 1);
            Path copy = Path.of("target/kustomize", rendering);
            copyTree(Path.of("deploy"), copy);
            Path kustomization =
                    copy.resolve("overlays").resolve(overlay).resolve("kustomization.yaml");
            com.fasterxml.jackson.databind.node.ObjectNode tree =
                    (com.fasterxml.jackson.databind.node.ObjectNode)
                            YAML.readTree(kustomization.toFile());
            tree.withArray("components").add("../../components/" + component);
            YAML.writeValue(kustomization.toFile(), tree);
            dir = kustomization.getParent().toString();
        }
        Process kubectl =
                new ProcessBuilder(kubectl(), "kustomize", dir).redirectErrorStream(true).start();
        String out = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, kubectl.waitFor(), "kubectl kustomize failed: " + out);
        return YAML
                .readValues(YAML.getFactory().createParser(out), JsonNode.class)
                .readAll()
                .stream()
                .filter(n -> !n.isNull() && !n.isMissingNode())
                .toList();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var files = Files.walk(from)) {
            for (Path file : files.toList()) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static Map<String, List<Object>> typed(List<JsonNode> documents) throws IOException {
        Map<String, List<Object>> objects = new HashMap<>();
        for (JsonNode document : documents) {
            Class<?> model =
                    KINDS.get(
                            document.path("apiVersion").asText()
                                    + "/"
                                    + document.path("kind").asText());
            if (model != null) {
                objects.computeIfAbsent(document.path("kind").asText(), k -> new ArrayList<>())
                        .add(JSON.treeToValue(document, model));
            }
        }
        return objects;
    }

    private static <T> T only(Map<String, List<Object>> objects, Class<T> type) {
        List<Object> all = objects.getOrDefault(type.getSimpleName(), List.of());
        assertEquals(1, all.size(), "exactly one " + type.getSimpleName());
        return type.cast(all.get(0));
    }

    /** Fails on every field the model does not know (Jackson puts them in additionalProperties). */
    private static void unknownFields(Object value, String path, List<String> errors)
            throws Exception {
        if (value instanceof Collection<?> list) {
            int i = 0;
            for (Object item : list) {
                unknownFields(item, path + "[" + i++ + "]", errors);
            }
            return;
        }
        if (value instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                unknownFields(entry.getValue(), path + "." + entry.getKey(), errors);
            }
            return;
        }
        if (value == null
                || !value.getClass().getName().startsWith("io.fabric8.")
                || !value.getClass().getName().contains(".api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || !getter.getName().startsWith("get")
                    || Modifier.isStatic(getter.getModifiers())
                    || getter.getName().equals("getClass")) {
                continue;
            }
            Object field = getter.invoke(value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    errors.add(path + ": unknown field(s) " + extra.keySet());
                }
            } else {
                unknownFields(field, path + "." + getter.getName().substring(3), errors);
            }
        }
    }

    // ---- the application's side ----

    private static void probe(
            Probe probe, String path, Map<String, Integer> ports, int managementPort) {
        assertTrue(probe != null && probe.getHttpGet() != null, path + " probe");
        assertEquals(path, probe.getHttpGet().getPath());
        assertEquals(
                managementPort,
                resolve(probe.getHttpGet().getPort(), ports),
                path + " on the management port");
    }

    private static Integer resolve(IntOrString port, Map<String, Integer> named) {
        return port.getIntVal() != null ? port.getIntVal() : named.get(port.getStrVal());
    }

    /**
     * Every variable the container gets: env, and the keys of the ConfigMaps and Secrets it loads.
     */
    private static Map<String, String> environment(
            Container container, Map<String, List<Object>> objects) throws IOException {
        Map<String, String> env = new HashMap<>();
        for (EnvFromSource source : container.getEnvFrom()) {
            if (source.getConfigMapRef() != null) {
                ConfigMap map =
                        objects.get("ConfigMap").stream()
                                .map(ConfigMap.class::cast)
                                .filter(
                                        c ->
                                                c.getMetadata()
                                                        .getName()
                                                        .equals(source.getConfigMapRef().getName()))
                                .findFirst()
                                .orElseThrow(
                                        () ->
                                                new AssertionError(
                                                        "no ConfigMap "
                                                                + source.getConfigMapRef()));
                env.putAll(map.getData());
            }
            if (source.getSecretRef() != null) {
                List<Object> secrets = objects.getOrDefault("Secret", List.of());
                Set<String> keys =
                        secrets.stream()
                                .map(Secret.class::cast)
                                .filter(
                                        s ->
                                                s.getMetadata()
                                                        .getName()
                                                        .equals(source.getSecretRef().getName()))
                                .findFirst()
                                .map(ManifestsTest::keys)
                                .orElse(secretTemplateKeys());
                keys.forEach(k -> env.put(k, "(secret)"));
            }
        }
        for (EnvVar variable : container.getEnv()) {
            env.put(variable.getName(), variable.getValue());
        }
        return env;
    }

    private static Set<String> keys(Secret secret) {
        Set<String> keys = new TreeSet<>();
        if (secret.getData() != null) {
            keys.addAll(secret.getData().keySet());
        }
        if (secret.getStringData() != null) {
            keys.addAll(secret.getStringData().keySet());
        }
        return keys;
    }

    private static Set<String> secretTemplateKeys() {
        try {
            return keys(
                    JSON.treeToValue(
                            YAML.readTree(Path.of("deploy/base/secret.template.yaml").toFile()),
                            Secret.class));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The environment variables of properties the service reads: every {@code auth.*} option of the
     * config mappings, and every property of application.properties or of the README's
     * configuration table.
     */
    private static Set<String> knownVariables(Properties application) throws IOException {
        Set<String> properties = new TreeSet<>();
        for (ConfigMappingsTest.Option option : ConfigMappingsTest.options()) {
            properties.add(option.name());
        }
        for (String key : application.stringPropertyNames()) {
            properties.add(key.replaceFirst("^%[^.]+\\.", ""));
        }
        Matcher row =
                Pattern.compile("(?m)^\\| `([a-z0-9.-]+)`(?:, `\\.?([a-z0-9.-]+)`)?")
                        .matcher(Files.readString(Path.of("README.md")));
        while (row.find()) {
            properties.add(row.group(1));
            if (row.group(2) != null) {
                properties.add(
                        row.group(1).substring(0, row.group(1).lastIndexOf('.') + 1)
                                + row.group(2));
            }
        }
        // Read by the JVM itself, not by the service.
        Set<String> variables = new TreeSet<>(Set.of("JAVA_TOOL_OPTIONS"));
        for (String property : properties) {
            variables.add(property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_"));
        }
        return variables;
    }
}
