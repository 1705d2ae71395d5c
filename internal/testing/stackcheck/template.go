package stackcheck

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Template is a CloudFormation template as plain data: maps, slices,
// strings, numbers and booleans, with every short-form intrinsic in its
// long form.
type Template map[string]any

// Load reads a template file.
func Load(path string) (Template, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("deploy: %w", err)
	}
	return Parse(b)
}

// Parse decodes a template.
func Parse(b []byte) (Template, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(b, &doc); err != nil {
		return nil, fmt.Errorf("deploy: parse template: %w", err)
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) != 1 {
		return nil, fmt.Errorf("deploy: template is not one YAML document")
	}
	v, err := value(doc.Content[0])
	if err != nil {
		return nil, fmt.Errorf("deploy: parse template: %w", err)
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("deploy: template is not a mapping")
	}
	return Template(m), nil
}

// intrinsics maps the short tags to their long names.
var intrinsics = map[string]string{
	"!Ref": "Ref", "!Condition": "Condition",
	"!Sub": "Fn::Sub", "!GetAtt": "Fn::GetAtt", "!Join": "Fn::Join", "!Select": "Fn::Select",
	"!Split": "Fn::Split", "!If": "Fn::If", "!Equals": "Fn::Equals", "!Not": "Fn::Not",
	"!And": "Fn::And", "!Or": "Fn::Or", "!FindInMap": "Fn::FindInMap", "!GetAZs": "Fn::GetAZs",
	"!ImportValue": "Fn::ImportValue", "!Base64": "Fn::Base64", "!Cidr": "Fn::Cidr",
	"!Transform": "Fn::Transform", "!ToJsonString": "Fn::ToJsonString", "!Length": "Fn::Length",
}

func value(n *yaml.Node) (any, error) {
	if long, ok := intrinsics[n.Tag]; ok {
		inner := *n
		inner.Tag = ""
		v, err := value(&inner)
		if err != nil {
			return nil, err
		}
		if s, ok := v.(string); ok && long == "Fn::GetAtt" {
			// !GetAtt Table.Arn is ["Table", "Arn"] in long form.
			res, attr, _ := strings.Cut(s, ".")
			v = []any{res, attr}
		}
		return map[string]any{long: v}, nil
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		return nil, fmt.Errorf("line %d: unknown tag %s", n.Line, n.Tag)
	}
	switch n.Kind {
	case yaml.AliasNode:
		return value(n.Alias)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			v, err := value(n.Content[i+1])
			if err != nil {
				return nil, err
			}
			m[n.Content[i].Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		l := make([]any, len(n.Content))
		for i, c := range n.Content {
			v, err := value(c)
			if err != nil {
				return nil, err
			}
			l[i] = v
		}
		return l, nil
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!int":
			return strconv.ParseInt(n.Value, 0, 64)
		case "!!bool":
			return strconv.ParseBool(n.Value)
		case "!!float":
			return strconv.ParseFloat(n.Value, 64)
		case "!!null":
			return nil, nil
		}
		return n.Value, nil
	}
	return nil, fmt.Errorf("line %d: unexpected YAML node kind %d", n.Line, n.Kind)
}

// Resources returns the resources of type typ (all if typ is ""), by
// logical ID.
func (t Template) Resources(typ string) map[string]map[string]any {
	out := map[string]map[string]any{}
	res, _ := t["Resources"].(map[string]any)
	for id, r := range res {
		m, ok := r.(map[string]any)
		if !ok {
			continue
		}
		if typ == "" || m["Type"] == typ {
			out[id] = m
		}
	}
	return out
}

// Get walks a path of map keys and slice indexes ("Properties", "Events",
// 0) from v; ok is false if any step is missing.
func Get(v any, path ...any) (any, bool) {
	if t, ok := v.(Template); ok {
		v = map[string]any(t)
	}
	for _, p := range path {
		switch k := p.(type) {
		case string:
			m, ok := v.(map[string]any)
			if !ok {
				return nil, false
			}
			if v, ok = m[k]; !ok {
				return nil, false
			}
		case int:
			l, ok := v.([]any)
			if !ok || k < 0 || k >= len(l) {
				return nil, false
			}
			v = l[k]
		default:
			return nil, false
		}
	}
	return v, true
}

// String is Get for a string value; "" if missing or not a string.
func String(v any, path ...any) string {
	x, _ := Get(v, path...)
	s, _ := x.(string)
	return s
}

// Refs lists every resource or parameter v refers to, through Ref,
// Fn::GetAtt and ${Name} / ${Name.Attr} in Fn::Sub, anywhere inside v.
func Refs(v any) []string {
	var out []string
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				switch k {
				case "Ref":
					if s, ok := e.(string); ok {
						out = append(out, s)
						continue
					}
				case "Fn::GetAtt":
					if l, ok := e.([]any); ok && len(l) > 0 {
						if s, ok := l[0].(string); ok {
							out = append(out, s)
						}
					}
					continue
				case "Fn::Sub":
					s, _ := e.(string)
					if l, ok := e.([]any); ok && len(l) > 0 {
						s, _ = l[0].(string)
						walk(l[1:])
					}
					out = append(out, subRefs(s)...)
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// subRefs lists the names in ${Name} and ${Name.Attr} of a Fn::Sub string,
// skipping ${!Literal} and pseudo parameters (AWS::Region).
func subRefs(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return out
		}
		s = s[i+2:]
		j := strings.IndexByte(s, '}')
		if j < 0 {
			return out
		}
		name := s[:j]
		s = s[j+1:]
		if strings.HasPrefix(name, "!") || strings.HasPrefix(name, "AWS::") {
			continue
		}
		name, _, _ = strings.Cut(name, ".")
		out = append(out, name)
	}
}

// PathMatch is CloudFront's path pattern match, as the template's cache
// behaviours use it: * is any run of characters, / included; every other
// character matches itself.
func PathMatch(pattern, s string) bool {
	if pattern == "" {
		return s == ""
	}
	if pattern[0] == '*' {
		for i := 0; i <= len(s); i++ {
			if PathMatch(pattern[1:], s[i:]) {
				return true
			}
		}
		return false
	}
	return s != "" && s[0] == pattern[0] && PathMatch(pattern[1:], s[1:])
}
