package remote

import (
	"encoding/json"
	"net/http"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

var (
	openAPIOnce sync.Once
	openAPIDoc  []byte
)

// OpenAPI is the OpenAPI 3.1 document of the API, made from Routes, so it
// names exactly the routes the server serves.
func OpenAPI() []byte {
	openAPIOnce.Do(func() {
		openAPIDoc, _ = json.MarshalIndent(openAPI(), "", "  ")
	})
	return openAPIDoc
}

var pathParam = regexp.MustCompile(`\{(\w+)\}`)

func openAPI() map[string]any {
	schemas := map[string]any{}
	problem := map[string]any{"description": "RFC 9457 problem details; code is the core's error code.",
		"content": map[string]any{ProblemType: map[string]any{"schema": schemaOf(reflect.TypeOf(Problem{}), schemas)}}}
	paths := map[string]map[string]any{}
	for _, rt := range Routes {
		for _, p := range rt.Patterns() {
			op := map[string]any{"operationId": rt.Op, "summary": rt.Summary,
				"responses": map[string]any{"default": problem}}
			if strings.HasPrefix(p, "/v1/users/{accountId}") && p != "/v1/users/{accountId}" {
				op["operationId"] = rt.Op + "ForUser"
			}
			var params []any
			for _, m := range pathParam.FindAllStringSubmatch(p, -1) {
				params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
			}
			if params != nil {
				op["parameters"] = params
			}
			if rt.Actor {
				op["security"] = []any{map[string]any{"bearer": []any{}}}
			}
			if rt.App {
				op["security"] = []any{map[string]any{"application": []any{}}}
			}
			if rt.Body != nil {
				op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
					"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(rt.Body), schemas)}}}
			}
			ok := map[string]any{"description": http.StatusText(rt.Status)}
			if rt.Out != nil {
				ok["content"] = map[string]any{"application/json": map[string]any{"schema": schemaOf(reflect.TypeOf(rt.Out), schemas)}}
			}
			op["responses"].(map[string]any)[itoa(rt.Status)] = ok
			if paths[p] == nil {
				paths[p] = map[string]any{}
			}
			paths[p][strings.ToLower(rt.Method)] = op
		}
	}
	paths["/v1/openapi.json"] = map[string]any{"get": map[string]any{"operationId": "OpenAPI", "summary": "This document.",
		"responses": map[string]any{"200": map[string]any{"description": "OK"}}}}
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{"title": "Security info", "version": "1",
			"description": "Manage how people prove who they are: methods for two-step sign-in and self-service password reset."},
		"paths": paths,
		"components": map[string]any{"schemas": schemas,
			"securitySchemes": map[string]any{"bearer": map[string]any{"type": "http", "scheme": "bearer",
				"description": "The session ID returned by signIn or signIn/{signInId}/finish."},
				"application": map[string]any{"type": "http", "scheme": "basic",
					"description": "An application's client ID and secret (securityinfoctl apps create), for /v1/verify; over TLS except from the server's own machine."}}},
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }

var timeType = reflect.TypeOf(time.Time{})

// schemaOf returns the JSON schema of t, adding named structs to schemas
// and referring to them.
func schemaOf(t reflect.Type, schemas map[string]any) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.Struct:
		name := t.Name()
		if name == "" || strings.ToLower(name[:1]) == name[:1] {
			name = strings.ToUpper(name[:1]) + name[1:]
		}
		if _, ok := schemas[name]; !ok {
			schemas[name] = map[string]any{} // placeholder against recursion
			props := map[string]any{}
			var required []string
			for i := 0; i < t.NumField(); i++ {
				f := t.Field(i)
				tag := f.Tag.Get("json")
				jname, opts, _ := strings.Cut(tag, ",")
				if !f.IsExported() || jname == "-" {
					continue
				}
				if jname == "" {
					jname = f.Name
				}
				props[jname] = schemaOf(f.Type, schemas)
				if !strings.Contains(opts, "omitempty") && f.Type.Kind() != reflect.Pointer {
					required = append(required, jname)
				}
			}
			sort.Strings(required)
			sc := map[string]any{"type": "object", "properties": props}
			if required != nil {
				sc["required"] = required
			}
			schemas[name] = sc
		}
		return ref(name)
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Uint8:
		return map[string]any{"type": "string", "contentEncoding": "base64"}
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		return map[string]any{"type": "array", "items": schemaOf(t.Elem(), schemas)}
	case t.Kind() == reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": schemaOf(t.Elem(), schemas)}
	case t.Kind() == reflect.String:
		return map[string]any{"type": "string"}
	case t.Kind() == reflect.Bool:
		return map[string]any{"type": "boolean"}
	case t.Kind() >= reflect.Int && t.Kind() <= reflect.Uint64:
		return map[string]any{"type": "integer"}
	case t.Kind() == reflect.Float32 || t.Kind() == reflect.Float64:
		return map[string]any{"type": "number"}
	}
	return map[string]any{}
}
