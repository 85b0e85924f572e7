{{- define "backup-worker.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "backup-worker.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "backup-worker.labels" -}}
{{ include "backup-worker.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "backup-worker.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* The worker's application.properties: targets, storage and reactions from the values. */}}
{{- define "backup-worker.properties" -}}
backup.storage.bucket={{ .Values.storage.bucket }}
backup.storage.prefix={{ .Values.storage.prefix }}
backup.storage.region={{ .Values.storage.region }}
backup.storage.path-style={{ .Values.storage.pathStyle }}
{{- with .Values.storage.endpoint }}
backup.storage.endpoint={{ . }}
{{- end }}
{{- range $name, $t := .Values.targets }}
backup.targets.{{ $name }}.host={{ $t.host }}
backup.targets.{{ $name }}.port={{ $t.port | default 5432 }}
backup.targets.{{ $name }}.database={{ $t.database }}
backup.targets.{{ $name }}.user={{ $t.user }}
{{- if $t.passwordSecret }}
backup.targets.{{ $name }}.password-file=/run/secrets/backup-worker/targets/{{ $name }}
{{- end }}
backup.targets.{{ $name }}.schedule={{ $t.schedule | default "0 2 * * *" }}
backup.targets.{{ $name }}.schedule-zone={{ $t.scheduleZone | default "UTC" }}
{{- range $key, $value := $t.settings }}
backup.targets.{{ $name }}.{{ $key }}={{ $value }}
{{- end }}
{{- end }}
{{- if .Values.signing.keyId }}
backup.signing.key-id={{ .Values.signing.keyId }}
backup.signing.private-key-file=/run/secrets/backup-worker/signing/private-key
{{- end }}
{{- range $id, $key := .Values.signing.publicKeys }}
backup.signing.public-keys.{{ $id }}={{ $key }}
{{- end }}
backup.reactions.backfill.enabled={{ .Values.reactions.backfill.enabled }}
{{- if .Values.reactions.backfill.enabled }}
backup.reactions.backfill.api={{ .Values.reactions.backfill.api }}
backup.reactions.backfill.token-file=/run/secrets/backup-worker/backfill/token
{{- end }}
backup.reactions.cache.enabled={{ .Values.reactions.cache.enabled }}
{{- range $key, $value := .Values.config }}
{{ $key }}={{ $value }}
{{- end }}
{{- end -}}
